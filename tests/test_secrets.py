"""mlcheck.aws.secrets (credential recognition) and MLC116 over it: what is a secret, what is not, and bad input."""

import base64
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcheck.aws import secrets
from mlcheck.inputs.discovery import Candidate
from mlcheck.engine.runner import Settings, check_file

HF = "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567"
KEY_ID = "AKIA2OGYBAH6STMMNXNN"
SECRET_KEY = "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"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n" \
      "-----END RSA PRIVATE KEY-----\n"


@pytest.mark.parametrize("name, value, kind", [
    ("HF_TOKEN", HF, secrets.TOKEN_SHAPE),
    ("anything", KEY_ID, secrets.AWS_KEY_ID),
    ("AWS_SECRET_ACCESS_KEY", SECRET_KEY, secrets.AWS_SECRET_KEY),
    ("secretAccessKey", SECRET_KEY, secrets.AWS_SECRET_KEY),
    ("cert", PEM, secrets.PRIVATE_KEY),
    ("DATABASE_URL", "postgres://ml:Zx9wQ7rT2v@db:5432/f", secrets.URL_PASSWORD),
    ("DB_PASSWORD", "hunter22", "literal password"),
    ("dbPassword", "hunter22", "literal password"),
    ("MYSQL_PWD_PASSWORD", 12345678, "literal password"),
    ("client-secret", "abcdEFGH1234", "literal secret"),
    ("wandb.api_key", "0123456789abcdef", "literal API key"),
    ("X_APIKEY", "0123456789abcdef", "literal API key"),
    ("authToken", "abc123def456", "literal token"),
    ("ssh_private_key", "notreallyakeybutliteral", "literal private key"),
    ("hf_token", '"abc123def456"', "literal token"),  # hyperparameters are JSON-encoded strings
])
def test_credentials_are_recognised(name, value, kind):
    assert secrets.classify(name, value) == kind


@pytest.mark.parametrize("name, value", [
    ("SECRET_NAME", "my-secret-id"), ("SECRET", "prod/ml/hf-token"), ("SECRET_ARN", "arn:aws:secretsmanager:x"),
    ("TOKEN_ID", "abc123def456"), ("AWS_ACCESS_KEY_ID_PARAM", "/ml/key"), ("PASSWORD_PATH", "/run/secrets/db"),
    ("TOKEN_URL", "https://auth.example.com/token"), ("TOKEN_TTL", "3600"), ("max_tokens", "2048"),
    ("MAX_TOKEN_LENGTH", "512"), ("pad_token", "<pad>"), ("eos_token", "</s>"), ("NextToken", "abcdef123456"),
    ("tokenizer", "bert-base-uncased"), ("USE_AUTH_TOKEN", "true"), ("API_TOKEN", ""), ("API_TOKEN", "abc"),
    ("PASSWORD", "changeme"), ("PASSWORD", "CHANGE_ME"), ("TOKEN", "<your-token>"), ("TOKEN", "xxxxxxxx"),
    ("API_KEY", "your-api-key-here"), ("TOKEN", "token=token"), ("SECRET", "********"),
    ("PASSWORD", "${DB_PASSWORD}"), ("PASSWORD", "$DB_PASSWORD"), ("TOKEN", "{{resolve:ssm-secure:/t}}"),
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
    ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("DATABASE_URL", "postgres://ml:${PW}@db/f"), ("HOME", HF[:10]), ("TOKEN", True), ("TOKEN", 4096),
    ("cert", "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----"),
])
def test_names_references_and_placeholders_are_not_secrets(name, value):
    assert secrets.classify(name, value) is None


def test_scripts_report_assignments_not_mentions():
    script = textwrap.dedent(f"""\
        #!/bin/bash
        # export HF_TOKEN before you start
        echo "HF_TOKEN is read from Secrets Manager"
        HF_TOKEN=$(aws secretsmanager get-secret-value --secret-id hf --query SecretString --output text)
        export WANDB_API_KEY=0123456789abcdef
        echo "export HF_TOKEN={HF}" >> /home/ec2-user/.bashrc
        if [ -z "$HF_TOKEN" ]; then exit 1; fi
        huggingface-cli login --token abcdef0123456789
        huggingface-cli login --token "$HF_TOKEN"
        aws configure set aws_secret_access_key {SECRET_KEY}
        cat > ~/.netrc.yaml <<EOF
        password: "hunter2x"
        EOF
        python - <<EOF
        session = boto3.Session(aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=str(t))
        EOF
        MAX_TOKENS=4096
        grep -q "BEGIN RSA PRIVATE KEY" ~/.ssh/id_rsa
        """) + PEM
    found = [(m.line, m.name, m.kind) for m in secrets.scan_script(script)]
    assert found == [
        (5, "WANDB_API_KEY", "literal API key"),
        (6, "HF_TOKEN", secrets.TOKEN_SHAPE),
        (8, "token", "literal token"),
        (10, "aws_secret_access_key", secrets.AWS_SECRET_KEY),
        (12, "password", "literal password"),
        (19, None, secrets.PRIVATE_KEY),
    ]


def test_base64_decoding_is_strict_and_bounded():
    encoded = base64.b64encode(b"#!/bin/bash\necho hi\n").decode()
    assert secrets.decode_base64(encoded) == ("#!/bin/bash\necho hi\n", None)
    assert secrets.decode_base64(encoded[:20] + "\n  " + encoded[20:]) == ("#!/bin/bash\necho hi\n", None)
    assert secrets.decode_base64("#!/bin/bash\necho hi")[1] == "content is not valid base64"
    assert secrets.decode_base64("aGVsbG8")[1] == "content is not valid base64"  # bad padding
    assert secrets.decode_base64(base64.b64encode(b"\xff\xfe\xfa").decode())[1] == \
        "content is not UTF-8 text after base64 decoding"
    assert secrets.decode_base64(base64.b64encode(b"a\x00b").decode())[1] == "content is binary after base64 decoding"
    assert "larger than" in secrets.decode_base64("A" * (secrets.MAX_ENCODED + 4))[1]
    assert secrets.decode_base64(12)[1] == "content is not text"
    assert "longer than" in secrets.bounded("x" * (secrets.MAX_SCRIPT + 1))[1]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_arbitrary_text_never_raises(name, value):
    secrets.classify(name, value)
    secrets.scan_script(value)
    secrets.decode_base64(value)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=12, max_size=40))
def test_a_match_never_carries_the_value(value):
    for m in secrets.scan_script(f"export API_TOKEN={value}\nTOKEN='{value}'\n"):
        assert value not in repr(m)


# -- MLC116 on templates --------------------------------------------------------------------------------------

def _run(tmp_path, text, name="t.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC116",)))
    assert not result.errors, result.errors
    return result.findings, [u.reason for u in result.unknowns if u.rule_id == "MLC116"]


LIFECYCLE = """\
    Resources:
      LC:
        Type: AWS::SageMaker::NotebookInstanceLifecycleConfig
        Properties:
          OnStart:
            - Content: {content}
    """


@pytest.mark.parametrize("content, reason", [
    ("'!!! not base64 !!!'", "lifecycle script content is not valid base64"),
    (base64.b64encode(b"\xff\xfe\xfd\xfc").decode(),
     "lifecycle script content is not UTF-8 text after base64 decoding"),
    (base64.b64encode(b"\x00\x01\x02").decode(), "lifecycle script content is binary after base64 decoding"),
    ("A" * (secrets.MAX_ENCODED + 8), "lifecycle script content is larger than 1024 KiB"),
    ("!Base64 {'Fn::Sub': '${Script}'}", None),  # a parameter without a Default: not in the template
])
def test_undecodable_lifecycle_content_is_unknown_never_a_traceback(tmp_path, content, reason):
    text = "Parameters:\n  Script: {Type: String}\n" + textwrap.dedent(LIFECYCLE).format(content=content)
    findings, unknowns = _run(tmp_path, text)
    assert findings == []
    assert unknowns == ([reason] if reason else [])


def test_odd_content_shapes_do_not_raise(tmp_path):
    for content in ("12", "[a, b]", "{A: b}", "!Base64 [x]", "!Base64 {Ref: Nowhere}", "''"):
        findings, _ = _run(tmp_path, textwrap.dedent(LIFECYCLE).format(content=content))
        assert findings == []


def test_finding_names_the_variable_and_script_line_but_never_the_value(tmp_path):
    encoded = base64.b64encode(f"#!/bin/bash\nset -e\nexport API_TOKEN='{HF[3:]}'\n".encode()).decode()
    findings, _ = _run(tmp_path, textwrap.dedent(LIFECYCLE).format(content=encoded))
    assert [(f.line, f.resource) for f in findings] == [(6, "LC")]
    assert "line 3 of its OnStart script sets 'API_TOKEN' to a literal token" in findings[0].message
    assert HF[3:] not in findings[0].message and HF[3:10] not in findings[0].message


def test_parameters_noecho_and_defaults(tmp_path):
    findings, _ = _run(tmp_path, f"""\
        Parameters:
          Hidden: {{Type: String, NoEcho: true, Default: {HF}}}
          Plain: {{Type: String, Default: abcdef0123456789}}
          Empty: {{Type: String, Default: ""}}
          Given: {{Type: String}}
        Resources:
          M:
            Type: AWS::SageMaker::Model
            Properties:
              ExecutionRoleArn: arn:aws:iam::123456789012:role/m
              PrimaryContainer:
                Image: i
                Environment:
                  A_TOKEN: !Ref Hidden
                  B_TOKEN: !Sub "Bearer ${{Hidden}}"
                  C_TOKEN: !Ref Plain
                  D_TOKEN: !Ref Empty
                  E_TOKEN: !Ref Given
                  F_TOKEN: !Sub "${{Plain}}"
        """)
    assert [(f.line, "C_TOKEN" in f.message or "F_TOKEN" in f.message) for f in findings] == [(16, True), (19, True)]
    assert "the Default of parameter 'Plain'" in findings[0].message


def test_conditions_and_json_string_environment(tmp_path):
    findings, unknowns = _run(tmp_path, """\
        Parameters:
          Env: {Type: String, AllowedValues: [dev, prod]}
        Conditions:
          IsDev: !Equals [!Ref Env, dev]
        Resources:
          M:
            Type: AWS::SageMaker::Model
            Properties:
              ExecutionRoleArn: arn:aws:iam::123456789012:role/m
              Containers:
                - Image: i
                  Environment:
                    DB_PASSWORD: !If [IsDev, devpassword1, "{{resolve:secretsmanager:db}}"]
                - Image: j
                  Environment: '{"API_KEY": "0123456789abcdef"}'
                - Image: k
                  Environment: 'not json'
        """)
    assert [(f.line, "condition IsDev is true" in f.message) for f in findings] == [(13, True), (15, False)]
    assert unknowns == ["Environment is a string that is not a JSON object"]


def test_container_arguments(tmp_path):
    findings, _ = _run(tmp_path, f"""\
        {{"ProcessingJobName": "p", "RoleArn": "arn:aws:iam::123456789012:role/p",
         "AppSpecification": {{"ImageUri": "i", "ContainerArguments": ["--api-key", "0123456789abcdef",
                                "--token=$TOKEN", "--max-tokens", "512", "{KEY_ID}"]}},
         "ProcessingResources": {{"ClusterConfig": {{"InstanceCount": 1, "InstanceType": "ml.m5.xlarge",
                                                   "VolumeSizeInGB": 30}}}}}}
        """, name="p.json")
    assert [f.message.split(": ", 1)[1] for f in findings] == [
        "container argument '--api-key' is given a literal API key; the value is not shown",
        "container argument 6 holds an AWS access key id; the value is not shown"]


# -- MLC116's locations exist (a typo in a path would be a silent false negative) ------------------------------

def _locations():
    from mlcheck.rules.mlc116_hardcoded_secret import LOCATIONS

    return [(t, path) for t, places in LOCATIONS.items() for path, _, _ in places]


@pytest.mark.parametrize("resource_type, path", [(t, p) for t, p in _locations() if not t.endswith("Job")])
def test_cloudformation_locations_exist_in_the_resource_schema(resource_type, path):
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    node = schema
    for key in path:
        node = node["items"] if key == "*" else node.get("properties", {}).get(key)
        assert node is not None, f"{resource_type} has no property {key} in {path}"
        while "$ref" in node:
            node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]


@pytest.mark.parametrize("resource_type, path", [(t, p) for t, p in _locations() if t.endswith("Job")])
def test_api_locations_exist_in_the_request_shape(resource_type, path):
    from mlcheck.inputs import sagemaker_api as api

    operation = next(op for op, (t, _) in api.OPERATIONS.items() if t == resource_type)
    model = api.service_model()
    shape = model["shapes"][model["operations"][operation]["input"]["shape"]]
    for key in path:
        if key == "*":
            shape = model["shapes"][shape["member"]["shape"]]
            continue
        assert key in shape.get("members", {}), f"{operation} has no member {key} in {path}"
        shape = model["shapes"][shape["members"][key]["shape"]]


def test_full_output_never_shows_the_line_that_holds_a_secret(tmp_path, run_cli):
    """`full` prints source lines around each finding: the secret's line is masked, for the MLC116 finding and
    for any other finding whose context would show it."""
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2
    (tmp_path / "model.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  Model:\n"
        "    Type: AWS::SageMaker::Model\n"
        "    Properties:\n"
        "      ExecutionRoleArn: arn:aws:iam::123456789012:role/r\n"
        "      PrimaryContainer:\n"
        "        Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1\n"
        "        Environment:\n"
        f"          GITHUB_TOKEN: {token}\n"
        "        ModelDataUrl: s3://bucket/model.tar.gz\n")
    code, out, _ = run_cli("-f", "full", "--select", "ALL", "model.yaml", cwd=tmp_path)
    assert code == 1
    assert "MLC116" in out and "MLC405" in out  # another finding on the same resource, its context nearby
    assert token not in out and token[:12] not in out
    assert "not shown" in out
