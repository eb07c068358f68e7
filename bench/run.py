#!/usr/bin/env python3
"""Benchmark mlcheck against cfn-lint and checkov, each run as a subprocess the way a user would run it.

    python bench/run.py [--repeat 5] [--corpus PATH] [--peers-venv PATH] [--skip-install] [--timeout 300]
                        [--only cloudformation|terraform]

Stdlib only. mlcheck is run with the interpreter running this script (sys.executable -m mlcheck); the peers
live in their own venv (bench/.peers-venv by default), never in mlcheck's. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tf_synthetic import plan_resource_count, tf_files, tf_resource_count, write_synthetic_plan, write_tf_copies

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TEMPLATE_SUFFIXES = {".yaml", ".yml", ".json", ".template"}
HEAVY = ("boto3", "botocore", "cfnlint", "jsonschema")  # SPEC "Performance": only when a file needs them
# No network for the peers either: checkov otherwise asks its platform for guideline mappings and PyPI for
# updates, which would time a network round trip (or a DNS failure), not linting.
PEER_ENV = {"BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE"}


# ---------------------------------------------------------------- running things

def run(cmd, timeout, cwd, env=None):
    """Run cmd once; return (seconds, returncode or None on timeout, stdout, stderr, peak RSS in MiB).

    Own process group, so a timeout kills the tool's worker processes too and never leaves us waiting on a
    pipe a grandchild still holds open. The peak RSS is the tool's own process (wait4), not its workers'."""
    start = time.perf_counter()
    proc = _Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return time.perf_counter() - start, None, out, err, None
    peak = getattr(proc, "peak_rss_mib", None)
    return time.perf_counter() - start, proc.returncode, out, err, peak


class _Popen(subprocess.Popen):
    """Popen that reaps its child with os.wait4, keeping the child's own resource usage."""

    def _try_wait(self, wait_flags):
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return self.pid, 0
        if pid:
            scale = 1 if sys.platform.startswith("linux") else 1024  # Linux: KiB; macOS: bytes
            self.peak_rss_mib = usage.ru_maxrss / 1024 / scale
        return pid, status



def ok_zero(rc, out, err):
    return rc == 0  # mlcheck runs with --exit-zero (and --version exits 0), so anything else is a failure


def ok_cfnlint(rc, out, err):
    return rc in (0, 2, 4, 6, 8, 10, 12, 14)  # bit flags for error/warning/info; 1 is cfn-lint's own failure


def ok_checkov(rc, out, err):
    # 1 means failed checks; a crash also exits 1 but prints a traceback and no report.
    return rc in (0, 1) and not (rc == 1 and not out.strip() and "Traceback" in err)


def measure_interleaved(cmds: dict, repeat: int, timeout: float, cwd: str, label: str) -> dict:
    """Median wall time (and peak RSS) of each tool over `repeat` rounds, one run of every tool per round, so
    that a change in machine load between rounds falls on every tool alike. A tool whose run fails or times
    out is dropped from the remaining rounds with an error string."""
    results = {tool: {"runs": [], "rss": [], "cmd": cmd} for tool, (cmd, _, _) in cmds.items()}
    for round_no in range(repeat):
        for tool, (cmd, ok, env) in cmds.items():
            result = results[tool]
            if "error" in result:
                continue
            print(f"\r  {label}: round {round_no + 1}/{repeat} {tool:<8}", end="", flush=True)
            seconds, rc, out, err, peak = run(cmd, timeout, cwd, env)
            if rc is None:
                result["error"] = f"timeout after {timeout:.0f}s"
            elif not ok(rc, out, err):
                tail = (err.strip() or out.strip()).splitlines()[-1:] or [""]
                result["error"] = f"exit {rc}: {tail[0][:200]}"
            else:
                result["runs"].append(seconds)
                if peak is not None:
                    result["rss"].append(peak)
    print("\r" + " " * 100 + "\r", end="")
    for result in results.values():
        if "error" not in result and result["runs"]:
            result["median"] = statistics.median(result["runs"])
            result["peak_rss_mib"] = max(result["rss"]) if result["rss"] else None
    return results


def measure(cmd, ok, repeat, timeout, cwd, env=None):
    return measure_interleaved({"tool": (cmd, ok, env)}, repeat, timeout, cwd, " ".join(map(str, cmd[-1:])))["tool"]


FLOOR_SCRIPT = """\
import json, sys, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
loader.add_multi_constructor("!", lambda l, suffix, node: None)
for path in sys.argv[1:]:
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        json.loads(raw) if raw.lstrip()[:1] in (b"{", b"[") else yaml.load(raw, Loader=loader)
    except Exception:
        pass
"""


TF_FLOOR_SCRIPT = """\
import sys
from hcl2.api import parses_to_tree
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        parses_to_tree(text if text.endswith("\\n") else text + "\\n")
    except Exception:
        pass
"""


def tf_floor_command(paths) -> list:
    """The floor of a .tf configuration: read each file and parse it with python-hcl2 (the parser mlcheck
    uses), serially. A plan's floor is FLOOR_SCRIPT's json.loads."""
    return [sys.executable, "-c", TF_FLOOR_SCRIPT, *map(str, paths)]


def floor_command(paths) -> list:
    """The least any Python linter pays for these files: start the interpreter, read each file and parse it
    with libyaml (json for JSON), serially, and nothing else. mlcheck / floor is the overhead of linting."""
    return [sys.executable, "-c", FLOOR_SCRIPT, *map(str, paths)]


# ---------------------------------------------------------------- peers venv

def peer_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def ensure_peers(venv: Path, skip_install: bool) -> None:
    if skip_install or all(peer_bin(venv, n).exists() for n in ("cfn-lint", "checkov")):
        return
    print(f"installing cfn-lint and checkov into {venv} (a few minutes the first time) ...", flush=True)
    try:
        if not peer_bin(venv, "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=600)
        subprocess.run([str(peer_bin(venv, "python")), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "cfn-lint", "checkov"], check=True, timeout=1800)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"warning: peer install failed ({exc}); missing peers are reported as n/a", file=sys.stderr)


def peer_version(venv: Path, name: str) -> str | None:
    if not peer_bin(venv, name).exists():
        return None
    _, rc, out, err, _ = run([str(peer_bin(venv, name)), "--version"], 120, None, {**os.environ, **PEER_ENV})
    return (out.strip() or err.strip()).splitlines()[-1] if rc == 0 else None


# ---------------------------------------------------------------- inputs

def count_resources(path: Path) -> int:
    """Resources in a template without a YAML parser (stdlib only): JSON is parsed; for YAML, the keys one
    indentation level under the top-level `Resources:` line are counted."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            resources = json.loads(text).get("Resources")
            return len(resources) if isinstance(resources, dict) else 0
        except (ValueError, AttributeError):
            return 0
    count, indent, inside = 0, None, False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():  # a top-level key opens or closes the Resources section
            inside = re.match(r"Resources\s*:\s*$", line) is not None
            continue
        if inside:
            width = len(line) - len(line.lstrip())
            indent = width if indent is None else indent
            if width == indent and re.match(r"\s*['\"]?[\w:.-]+['\"]?\s*:", line):
                count += 1
    return count


def templates_in(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in TEMPLATE_SUFFIXES)


def size_of(paths) -> dict:
    paths = list(paths)
    return {"resources": sum(count_resources(p) for p in paths), "bytes": sum(p.stat().st_size for p in paths),
            "files": len(paths)}


def pick_corpus_templates(corpus: Path) -> tuple[Path, Path]:
    """The largest template of the ML repositories (folders named *sagemaker*) and the one whose resource
    count is closest to 40 (a typical stack); ties by path, so the choice is stable."""
    ml = [p for p in templates_in(corpus) if "sagemaker" in p.relative_to(corpus).parts[0].lower()]
    largest = max(ml, key=lambda p: (p.stat().st_size, str(p)))
    typical = min(ml, key=lambda p: (abs(count_resources(p) - 40), str(p)))
    return largest, typical


SYNTH_HEADER = """\
AWSTemplateFormatVersion: '2010-09-09'
Description: Synthetic ML stacks for mlcheck's benchmark (bench/run.py)
Parameters:
  SubnetId: {Type: 'AWS::EC2::Subnet::Id'}
  SecurityGroupId: {Type: 'AWS::EC2::SecurityGroup::Id'}
  ImageUri: {Type: String}
Resources:
"""

# One ML stack, in dependency order so that any prefix of it is still a valid template (a stack can be cut
# short to hit an exact resource count).
SYNTH_STACK = [
    """\
  Key{i}:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {{AWS: !Sub 'arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:root'}}
            Action: 'kms:*'
            Resource: '*'
""", """\
  Bucket{i}:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {{SSEAlgorithm: 'aws:kms', KMSMasterKeyID: !GetAtt Key{i}.Arn}}
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
      VersioningConfiguration: {{Status: Enabled}}
""", """\
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {{Service: sagemaker.amazonaws.com}}
            Action: 'sts:AssumeRole'
      Policies:
        - PolicyName: data
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket']
                Resource: [!GetAtt Bucket{i}.Arn, !Sub '${{Bucket{i}.Arn}}/*']
              - Effect: Allow
                Action: ['kms:Decrypt', 'kms:GenerateDataKey']
                Resource: !GetAtt Key{i}.Arn
              - Effect: Allow
                Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']
                Resource: '*'
""", """\
  Notebook{i}:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt Role{i}.Arn
      KmsKeyId: !Ref Key{i}
      DirectInternetAccess: Disabled
      RootAccess: Disabled
      SubnetId: !Ref SubnetId
      SecurityGroupIds: [!Ref SecurityGroupId]
""", """\
  Model{i}:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !GetAtt Role{i}.Arn
      EnableNetworkIsolation: true
      PrimaryContainer:
        Image: !Ref ImageUri
        ModelDataUrl: !Sub 's3://${{Bucket{i}}}/model/model.tar.gz'
      VpcConfig:
        Subnets: [!Ref SubnetId]
        SecurityGroupIds: [!Ref SecurityGroupId]
""", """\
  EndpointConfig{i}:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      KmsKeyId: !Ref Key{i}
      ProductionVariants:
        - VariantName: AllTraffic
          ModelName: !GetAtt Model{i}.ModelName
          InitialInstanceCount: 2
          InstanceType: ml.m5.large
          InitialVariantWeight: 1.0
""", """\
  Endpoint{i}:
    Type: AWS::SageMaker::Endpoint
    Properties:
      EndpointConfigName: !GetAtt EndpointConfig{i}.EndpointConfigName
""", """\
  ScalableTarget{i}:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: sagemaker
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount'
      ResourceId: !Sub 'endpoint/${{Endpoint{i}.EndpointName}}/variant/AllTraffic'
      MinCapacity: 2
      MaxCapacity: 4
""",
]


SYNTHETIC_SIZES = (50, 200, 800, 1000, 5000, 10000)
MINIFIED_SIZES = (5000, 20000)


def write_minified_json(directory: Path, resources: int) -> Path:
    """The synthetic stack as one line of JSON (how `aws cloudformation package` and CDK can emit it)."""
    from mlcheck.inputs.loader import load_document

    source = write_synthetic(directory, resources)
    data = load_document(source.read_bytes(), source.name).data
    path = directory / f"synthetic-{resources}.min.json"
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return path


def write_synthetic(directory: Path, resources: int) -> Path:
    blocks = [block.format(i=i) for i in range(resources // len(SYNTH_STACK) + 1) for block in SYNTH_STACK]
    path = directory / f"synthetic-{resources}.yaml"
    path.write_text(SYNTH_HEADER + "".join(blocks[:resources]), encoding="utf-8")
    return path


TERRAFORM_EXAMPLES = REPO / "examples" / "terraform"
TERRAFORM_COPIES = (10, 50)  # the secure stack (39 resources) copied: 390 and 1,950 resources
NO_TERRAFORM = "does not read Terraform"


def terraform_inputs(work: Path) -> list[tuple[str, str, Path]]:
    """(case name, kind, path) of the Terraform cases, written under `work`: each .tf configuration in a
    directory of its own (the examples' directories also hold their plan.json, which `mlcheck DIR` would
    lint too), and the plans."""
    inputs = []
    for example in ("insecure", "secure"):
        directory = work / "tf" / example
        write_tf_copies(TERRAFORM_EXAMPLES / example, directory, 1)
        inputs.append((f"terraform .tf: {example} example", "tf", directory))
    for n in TERRAFORM_COPIES:
        directory = work / "tf" / f"secure-x{n}"
        write_tf_copies(TERRAFORM_EXAMPLES / "secure", directory, n)
        inputs.append((f"terraform .tf: secure x{n}", "tf", directory))
    for example in ("insecure", "secure"):
        inputs.append((f"terraform plan: {example} example", "plan", TERRAFORM_EXAMPLES / example / "plan.json"))
    for n in TERRAFORM_COPIES:
        path = write_synthetic_plan(TERRAFORM_EXAMPLES / "secure" / "plan.json",
                                    work / "plans" / f"secure-x{n}.json", n)
        inputs.append((f"terraform plan: secure x{n}", "plan", path))
    return inputs


def terraform_size(kind: str, path: Path) -> dict:
    if kind == "tf":
        files = tf_files(path)
        return {"resources": tf_resource_count(path), "bytes": sum(p.stat().st_size for p in files),
                "files": len(files)}
    return {"resources": plan_resource_count(path), "bytes": path.stat().st_size, "files": 1}


# ---------------------------------------------------------------- import profiles

def parse_importtime(stderr: str) -> list[dict]:
    """`-X importtime` lines as {name, self_us, cumulative_us, parent}. Children are printed before their
    parent, so the tree is rebuilt walking the lines backwards."""
    rows = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)", line)
        if m:
            rows.append((int(m[1]), int(m[2]), (len(m[3]) - 1) // 2, m[4]))
    entries, stack = [], []
    for self_us, cum_us, depth, name in reversed(rows):
        del stack[depth:]
        entries.append({"name": name, "self_us": self_us, "cumulative_us": cum_us,
                        "parent": stack[-1] if stack else None})
        stack.append(name)
    return entries


def group_of(name: str) -> str:
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "mlcheck" else parts[0]  # mlcheck by module, others by package


def top_imports(entries: list[dict], n: int = 5) -> list[tuple[str, float]]:
    """Cumulative ms per package (mlcheck: per module), counted where the import enters it from outside."""
    totals: dict[str, int] = {}
    for e in entries:
        if e["parent"] is None or group_of(e["parent"]) != group_of(e["name"]):
            totals[group_of(e["name"])] = totals.get(group_of(e["name"]), 0) + e["cumulative_us"]
    return [(k, v / 1000) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])[:n]]


def import_profile(args: list[str], cwd: str, timeout: float, env: dict) -> dict:
    _, rc, _, err, _ = run([sys.executable, "-X", "importtime", *args], timeout, cwd, env)
    entries = parse_importtime(err)
    roots = [e for e in entries if e["parent"] is None]
    heavy = sorted({e["name"].split(".")[0] for e in entries} & set(HEAVY))
    return {"cmd": ["python", "-X", "importtime", *args], "exit": rc,
            "total_import_ms": sum(e["cumulative_us"] for e in roots) / 1000,
            "top": top_imports(entries), "heavy_imported": heavy}


RULE_PACK_SCRIPT = """\
import json, sys, time
from mlcheck.inputs.loader import load_document
from mlcheck.engine import registry
with open(sys.argv[1], "rb") as handle:
    data = load_document(handle.read(), sys.argv[1]).data
types = {r.get("Type") for r in (data.get("Resources") or {}).values() if isinstance(r, dict)}
infos = registry.rule_infos()
start = time.perf_counter()
needed = registry.rules_for_types([i.id for i in infos], types)
middle = time.perf_counter()
every = registry.all_rules()
end = time.perf_counter()
print(json.dumps({"needed": len(needed), "needed_ms": (middle - start) * 1000, "all": len(every),
                  "rest_ms": (end - middle) * 1000}))
"""


def rule_pack_cost(template: Path, cwd: str, timeout: float, env: dict) -> dict | None:
    """Import time of the rule modules a run of `template` needs, and of the rest of the pack. -X importtime
    does not show these clearly: they are imported through importlib, one at a time, from inside the run."""
    _, rc, out, _, _ = run([sys.executable, "-c", RULE_PACK_SCRIPT, str(template)], timeout, cwd, env)
    try:
        return json.loads(out.strip().splitlines()[-1]) if rc == 0 else None
    except (ValueError, IndexError):
        return None


# ---------------------------------------------------------------- report

def fmt_seconds(result: dict | None) -> str:
    return f"{result['median']:.3f}" if result and "median" in result else "n/a"


def ratio(peer: dict | None, mine: dict | None) -> str:
    if peer and mine and "median" in peer and "median" in mine and mine["median"] > 0:
        return f"{peer['median'] / mine['median']:.1f}x"
    return "n/a"


def fmt_rss(result: dict | None) -> str:
    return f"{result['peak_rss_mib']:.0f}" if result and result.get("peak_rss_mib") else "n/a"


def print_table(cases: list[dict], compared: bool = False) -> None:
    head = ["case", "resources", "bytes", "mlcheck s", "MiB", "floor s", "mlcheck/floor", "cfn-lint s", "checkov s",
            "cfn-lint/mlcheck", "checkov/mlcheck"]
    if compared:
        head += ["before s", "before MiB", "before/floor"]
    rows = []
    for c in cases:
        row = [c["case"], str(c["size"].get("resources", "")), str(c["size"].get("bytes", "")),
               fmt_seconds(c["mlcheck"]), fmt_rss(c["mlcheck"]), fmt_seconds(c.get("floor")),
               ratio(c["mlcheck"], c.get("floor")), fmt_seconds(c.get("cfn-lint")), fmt_seconds(c.get("checkov")),
               ratio(c.get("cfn-lint"), c["mlcheck"]), ratio(c.get("checkov"), c["mlcheck"])]
        if compared:
            row += [fmt_seconds(c.get("before")), fmt_rss(c.get("before")), ratio(c.get("before"), c.get("floor"))]
        rows.append(row)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))))


def print_unavailable(cases: list[dict]) -> None:
    """Why a column says n/a: one line per tool and reason, naming the cases (or how many)."""
    reasons: dict[tuple[str, str], list[str]] = {}
    for c in cases:
        for tool, result in c.items():
            if isinstance(result, dict) and "error" in result:
                reasons.setdefault((tool, result["error"]), []).append(c["case"])
    for (tool, error), names in reasons.items():
        where = "; ".join(names) if len(names) <= 3 else f"{len(names)} cases"
        print(f"n/a: {tool} {error} ({where})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per single-file case (median); default 5")
    parser.add_argument("--dir-repeat", type=int, default=3, help="runs for the whole-corpus case; default 3")
    parser.add_argument("--corpus", type=Path, default=REPO / ".." / "shared" / "corpus")
    parser.add_argument("--peers-venv", type=Path, default=BENCH / ".peers-venv")
    parser.add_argument("--skip-install", action="store_true", help="use the peers venv as it is")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per run before it is killed")
    parser.add_argument("--output", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument("--compare", type=Path, metavar="PYTHON",
                        help="also time the mlcheck installed for this interpreter (e.g. a venv of the last release), "
                             "in the same rounds: the 'before' columns")
    parser.add_argument("--peer-max-resources", type=int, default=5000,
                        help="run the peers on synthetic stacks up to this many resources; default 5000")
    parser.add_argument("--only", choices=("cloudformation", "terraform"),
                        help="run only these cases (default: all); cloudformation includes startup and the "
                             "import profiles")
    args = parser.parse_args()
    run_cfn, run_tf = args.only in (None, "cloudformation"), args.only in (None, "terraform")

    ensure_peers(args.peers_venv, args.skip_install)
    peer_env = {**os.environ, **PEER_ENV}
    corpus = args.corpus.resolve()
    work = tempfile.TemporaryDirectory(prefix="mlcheck-bench-")
    cwd = work.name  # neutral cwd: no repo config (.cfnlintrc, .checkov.yaml, pyproject) changes behaviour
    # A pip-installed mlcheck has bytecode, like the peers; an editable one under PYTHONDONTWRITEBYTECODE
    # recompiles every module on every run (~30 ms). Give it bytecode, kept in the temp dir, not the repo.
    my_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    my_env["PYTHONPYCACHEPREFIX"] = str(Path(cwd) / "pycache")

    def commands(target: Path, directory: bool = False, peers: bool = True, terraform: str | None = None) -> dict:
        """The tools' commands for `target`; `terraform` is "tf" (a configuration directory) or "plan"."""
        mlcheck = [sys.executable, "-m", "mlcheck", "--exit-zero", str(target)]
        if terraform == "tf":
            floor = tf_floor_command(tf_files(target))
        else:
            floor = floor_command(templates_in(target) if directory else [target])
        cmds = {"mlcheck": (mlcheck, ok_zero, my_env), "floor": (floor, ok_zero, my_env)}
        if args.compare:  # another mlcheck (an older install), in the same interleaved rounds
            cmds["before"] = ([str(args.compare), *mlcheck[1:]], ok_zero, my_env)
        if not peers:
            return cmds
        checkov_bin = str(peer_bin(args.peers_venv, "checkov"))
        checkov_flags = ["--quiet", "--compact", "--skip-download"]
        if terraform == "tf":  # cfn-lint reads CloudFormation only: its column is n/a (NO_TERRAFORM)
            cmds["checkov"] = ([checkov_bin, "-d", str(target), "--framework", "terraform", *checkov_flags],
                               ok_checkov, peer_env)
            return cmds
        if terraform == "plan":
            cmds["checkov"] = ([checkov_bin, "-f", str(target), "--framework", "terraform_plan", *checkov_flags],
                               ok_checkov, peer_env)
            return cmds
        if directory:  # cfn-lint expands quoted globs itself (one matching nothing is an error); checkov walks
            cfnlint = [str(target / "**" / f"*{s}") for s in sorted({p.suffix for p in templates_in(target)})]
            checkov = ["-d", str(target)]
        else:
            cfnlint, checkov = [str(target)], ["-f", str(target)]
        cmds["cfn-lint"] = ([str(peer_bin(args.peers_venv, "cfn-lint")), *cfnlint], ok_cfnlint, peer_env)
        cmds["checkov"] = ([checkov_bin, *checkov, "--framework", "cloudformation", *checkov_flags], ok_checkov,
                           peer_env)
        return cmds

    def bench_case(name: str, size: dict, cmds: dict, repeat: int) -> dict:
        case = {"case": name, "size": size}
        present = {}
        for tool, spec in cmds.items():
            if tool in ("cfn-lint", "checkov") and not Path(spec[0][0]).exists():
                case[tool] = {"error": "not installed"}
            else:
                present[tool] = spec
        case.update(measure_interleaved(present, repeat, args.timeout, cwd, name))
        print(f"  {name}: " + ", ".join(f"{tool} {fmt_seconds(case.get(tool))}" for tool in cmds), flush=True)
        return case

    # One untimed run of each input kind writes mlcheck's bytecode (and python-hcl2's grammar cache) first.
    tf_inputs = terraform_inputs(Path(cwd)) if run_tf else []
    warm = [write_synthetic(Path(cwd), 8)] + [next(p for _, k, p in tf_inputs if k == kind)
                                              for kind in ("tf", "plan") if tf_inputs]
    for python in [sys.executable] + ([str(args.compare)] if args.compare else []):
        for path in warm:
            run([python, "-m", "mlcheck", "--exit-zero", str(path)], args.timeout, cwd, my_env)
    if tf_inputs:  # the .tf floor's imports (lark) compiled into the same bytecode cache
        run(tf_floor_command(tf_files(warm[1])), args.timeout, cwd, my_env)

    cases, typical, load_at_start = [], None, _load_average()
    if run_cfn:
        # Startup: the fixed cost every pre-commit run pays before reading a template.
        startup = {"mlcheck": ([sys.executable, "-m", "mlcheck", "--version"], ok_zero, my_env),
                   **({"before": ([str(args.compare), "-m", "mlcheck", "--version"], ok_zero, my_env)}
                      if args.compare else {}),
                   "floor": ([sys.executable, "-c", "pass"], ok_zero, my_env),
                   "cfn-lint": ([str(peer_bin(args.peers_venv, "cfn-lint")), "--version"], ok_zero, peer_env),
                   "checkov": ([str(peer_bin(args.peers_venv, "checkov")), "--version"], ok_zero, peer_env)}
        cases.append(bench_case("startup (--version)", {}, startup, args.repeat))

        if corpus.is_dir():
            largest, typical = pick_corpus_templates(corpus)
            for label, path in (("largest ML template", largest), ("typical ~40 resources", typical)):
                case = bench_case(f"{label}: {path.name}", size_of([path]), commands(path), args.repeat)
                cases.append({**case, "path": str(path.relative_to(corpus))})
            everything = templates_in(corpus)
            cases.append(bench_case(f"corpus directory, {len(everything)} files", size_of(everything),
                                    commands(corpus, directory=True), args.dir_repeat))
        else:
            print(f"warning: corpus {corpus} not found; only synthetic cases", file=sys.stderr)

        for n in SYNTHETIC_SIZES:
            path = write_synthetic(Path(cwd), n)
            large = n >= 1000
            cases.append(bench_case(f"synthetic ML stacks, {n}", size_of([path]),
                                    commands(path, peers=n <= args.peer_max_resources),
                                    max(1, args.repeat // 3) if large else args.repeat))
        for n in MINIFIED_SIZES:  # one line of JSON: every location is on line 1
            path = write_minified_json(Path(cwd), n)
            cases.append(bench_case(f"synthetic, minified JSON, {n}", size_of([path]), commands(path, peers=False),
                                    max(1, args.repeat // 3)))

    for name, kind, path in tf_inputs:  # against checkov only
        case = bench_case(name, terraform_size(kind, path), commands(path, terraform=kind), args.repeat)
        cases.append({**case, "cfn-lint": {"error": NO_TERRAFORM}})

    baseline = profiles = pack = one = None
    if run_cfn:
        # Import profiles: what a plain template run loads, and what dominates startup.
        baseline = measure([sys.executable, "-c", "pass"], ok_zero, args.repeat, args.timeout, cwd, my_env)
        profiles = {"import mlcheck.cli": import_profile(["-c", "import mlcheck.cli"], cwd, args.timeout, my_env)}
        one = typical or Path(cwd) / "synthetic-50.yaml"
        profiles[f"mlcheck {one.name}"] = import_profile(["-m", "mlcheck", "--exit-zero", str(one)], cwd, args.timeout,
                                                         my_env)

        pack = rule_pack_cost(one, cwd, args.timeout, my_env)

    print()
    print_table(cases, compared=bool(args.compare))
    print_unavailable(cases)
    load_at_end = _load_average()
    if load_at_start and load_at_end:  # the interleaved rounds absorb load; this says how much there was
        start, end = (", ".join(f"{x:.2f}" for x in load) for load in (load_at_start, load_at_end))
        print(f"{os.cpu_count()} CPUs; load average (1, 5, 15 min) at the start {start}, at the end {end}")
    if baseline:
        print(f"\npython -c pass (interpreter start, same python): {fmt_seconds(baseline)} s")
    for label, p in (profiles or {}).items():
        top = ", ".join(f"{name} {ms:.0f} ms" for name, ms in p["top"])
        print(f"{label}: imports {p['total_import_ms']:.0f} ms; top: {top}")
        print(f"  heavy modules ({'/'.join(HEAVY)}) imported: {', '.join(p['heavy_imported']) or 'none'}")
    if pack:
        print(f"rule pack for {one.name}: {pack['needed']} of {pack['all']} rules imported, "
              f"{pack['needed_ms']:.0f} ms; the other {pack['all'] - pack['needed']} would cost {pack['rest_ms']:.0f} ms")
    synth = {c["size"]["resources"]: c for c in cases if c["case"].startswith("synthetic ML")}
    for tool in ("mlcheck", "cfn-lint", "checkov"):  # t(5n)/t(n) = 5 is linear cost
        t1, t5 = (synth.get(n, {}).get(tool, {}).get("median") for n in (1000, 5000))
        if t1 and t5:
            print(f"{tool}: t(5000)/t(1000) = {t5 / t1:.1f} (5.0 is linear)")
    small, big = TERRAFORM_COPIES[0], TERRAFORM_COPIES[-1]
    for form in (".tf", "plan"):  # the same for the Terraform copies: big/small is linear
        pair = [next((c for c in cases if c["case"] == f"terraform {form}: secure x{n}"), {}) for n in (small, big)]
        for tool in ("mlcheck", "checkov"):
            t1, t5 = (c.get(tool, {}).get("median") for c in pair)
            if t1 and t5:
                print(f"{tool} terraform {form}: t(x{big})/t(x{small}) = {t5 / t1:.1f} ({big / small:.1f} is linear)")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "python": sys.version.split()[0],
        "platform": platform.platform(), "cpus": os.cpu_count(),
        "load_average": {"start": load_at_start, "end": load_at_end},
        "repeat": args.repeat, "dir_repeat": args.dir_repeat, "corpus": str(corpus), "only": args.only,
        "versions": {"mlcheck": run([sys.executable, "-m", "mlcheck", "--version"], 60, cwd, my_env)[2].strip(),
                     "cfn-lint": peer_version(args.peers_venv, "cfn-lint"),
                     "checkov": peer_version(args.peers_venv, "checkov")},
        "python_startup": baseline, "cases": cases, "import_profiles": profiles, "rule_pack": pack}, indent=2) + "\n")
    print(f"\nwrote {args.output}")
    work.cleanup()
    return 0


def _load_average():
    try:
        return os.getloadavg()
    except (AttributeError, OSError):  # not on Windows
        return None


if __name__ == "__main__":
    sys.exit(main())
