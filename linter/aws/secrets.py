"""Recognising credentials written into text: name/value settings and shell scripts. Never returns the secret.

Three questions, each answered without printing or keeping the value:
- `classify(name, value)`: is this setting (an environment variable, a hyperparameter) a literal credential?
  A value that has the shape of a credential is one whatever its name (an AWS access key id, a private key, a
  GitHub or Hugging Face token, a password inside a URL); any other value is one when its name is secret-like
  (`secret_word`) and the value is not a placeholder, a reference or a name (`is_literal_secret`).
- `scan_script(text)`: the same for a shell script (a notebook lifecycle script), line by line: credential
  shapes anywhere, and secret-like names only where a value is *assigned* (`export HF_TOKEN=...`,
  `TOKEN="..."`, `password: "..."` written into a config file, `--token VALUE`, `aws configure set
  aws_secret_access_key VALUE`), never where a name is merely mentioned.
- `decode_base64(text)`: lifecycle scripts are stored base64-encoded; decoding is bounded and strict, and text
  that is not base64, too large, or not UTF-8 after decoding gives a reason instead of a guess.

A name is secret-like when one of its words (split at `_`, `-`, `.` and camelCase) is or contains PASSWORD,
PASSWD or PASSPHRASE, starts or ends with SECRET, ends with TOKEN (but not a tokenizer's special tokens:
`pad_token`, `eos_token`, ...), or spells API KEY / APIKEY or PRIVATE KEY. It is not when its last word says
it names or describes a secret rather than holds it (`SECRET_ARN`, `SECRET_NAME`, `TOKEN_ID`, `ACCESS_KEY_ID`,
`PASSWORD_PATH`, `TOKEN_URL`, `TOKEN_TTL`, ... see `_DESCRIBING`) or when it counts tokens (`MAX_TOKEN...`).

A value is not a literal secret when it is shorter than 4 characters, a boolean-like word, a number under a
TOKEN/SECRET name (a token count), a placeholder (`changeme`, `<your-token>`, `xxxx`, `****`, `your-api-key`,
`TODO`, ... see `_PLACEHOLDERS`: they are flagged by nobody's scanner and fill every example template, so they
are treated as "no secret here"), a reference (`$VAR`, `${VAR}`, `$(command)`, `{{...}}`, `arn:...`,
`s3://...`, a path), or a name of a secret (lower-case words such as `prod/ml/hf-token` or `my-secret-id`).
AWS's documentation example keys (`AKIAIOSFODNN7EXAMPLE`, `...EXAMPLEKEY`) are placeholders too.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import NamedTuple

from mlcheck.util.regex import lazy

MAX_ENCODED = 1 << 20  # 1 MiB of base64 (AWS allows 16 KiB per lifecycle script): more is not scanned
MAX_SCRIPT = 512 * 1024  # decoded characters scanned
MAX_LINE = 4096  # characters of one script line read for assignments (a longer line is data, not a setting)


class Match(NamedTuple):
    kind: str  # "AWS access key id", "private key", "literal token", ...
    name: str | None  # the variable, key or option holding it (None for a bare key in text)
    line: int = 0  # 1-based script line (0 outside scripts)


AWS_KEY_ID = "AWS access key id"
AWS_SECRET_KEY = "AWS secret access key"
PRIVATE_KEY = "private key"
TOKEN_SHAPE = "access token"
URL_PASSWORD = "password in a URL"

# A value under a secret-like name is reported as "literal <word>": "literal password", "literal token", ...

_KEY_ID = lazy(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[A-Z2-7]{16}(?![A-Z0-9])")
_PRIVATE_KEY = lazy(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[ \t]*\r?\n"
    r"(?:[A-Za-z-]+:[^\n]*\r?\n)*\s*"  # PEM headers (Proc-Type, DEK-Info, Comment)
    r"[A-Za-z0-9+/=]{32}")  # a body, not a mention ("-----BEGIN RSA PRIVATE KEY-----\n...")
_TOKENS = lazy(r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,}"
                     r"|hf_[A-Za-z0-9]{34}|xox[abposr]-[A-Za-z0-9-]{10,})(?![A-Za-z0-9_])")
_URL_PASSWORD = lazy(r"\b[a-z][a-z0-9+.-]*://([^\s:/@'\"]+):([^\s/@'\"]+)@[^\s/@'\"]+")
_AWS_SECRET_SHAPE = lazy(r"[A-Za-z0-9/+]{40}")

_SPECIAL_TOKENS = frozenset(("PAD", "EOS", "BOS", "UNK", "SEP", "CLS", "MASK", "SPECIAL", "START", "END",
                             "STOP", "NEW", "ADDITIONAL", "IMAGE", "IMG", "AUDIO", "VIDEO", "DECODER",
                             # pagination and idempotency tokens of AWS APIs are not credentials
                             "NEXT", "CONTINUATION", "PAGE", "PAGINATION", "CLIENT", "IDEMPOTENCY"))
# A last word that makes the name describe a secret instead of holding it.
_DESCRIBING = frozenset((
    "ARN", "ARNS", "NAME", "NAMES", "ID", "IDS", "PATH", "PATHS", "FILE", "FILES", "FILENAME", "DIR", "FOLDER",
    "URL", "URI", "ENDPOINT", "HOST", "PORT", "REGION", "TYPE", "KIND", "LENGTH", "LEN", "SIZE", "TTL",
    "EXPIRY", "EXPIRES", "EXPIRE", "EXPIRATION", "LIFETIME", "TIMEOUT", "SECONDS", "MINUTES", "HOURS", "DAYS",
    "PARAM", "PARAMS", "PARAMETER", "PARAMETERS", "VERSION", "STAGE", "ENABLED", "DISABLED", "REQUIRED", "MODE",
    "POLICY", "ROTATION", "PREFIX", "SUFFIX", "LOCATION", "REF", "REFERENCE", "FIELD", "HEADER", "SOURCE",
    "PROVIDER", "COUNT", "LIMIT", "FORMAT", "ALGORITHM", "ENCODING", "SCOPE", "SCOPES", "AUDIENCE", "ISSUER",
    "LABEL", "METHOD", "STORE", "BACKEND", "MANAGER", "ROLE", "BUCKET", "KEYS", "ENV", "VAR", "VARIABLE",
    "STRATEGY", "LOCK", "LOCKED"))
_COUNTING = frozenset(("MAX", "MIN", "NUM", "N", "TOTAL", "COUNT"))
_CAMEL = lazy(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

_PLACEHOLDERS = frozenset((
    "changeme", "changethis", "changeit", "replaceme", "replacethis", "placeholder", "redacted", "example",
    "sample", "dummy", "todo", "tbd", "fixme", "notset", "unset", "empty", "none", "null", "nil", "undefined",
    "secret", "secrets", "password", "passwd", "token", "apikey", "mysecret", "mypassword", "mytoken",
    "myapikey", "yoursecret", "yourpassword", "yourtoken", "yourapikey", "notasecret", "xxx", "na"))
_FLAGS = frozenset(("true", "false", "yes", "no", "on", "off", "enabled", "disabled", "enable", "disable",
                    "required", "optional", "auto", "default", "always", "never"))
_REFERENCE = lazy(r"\$[{(A-Za-z_]|\{\{|%[A-Za-z_]+%|^<.*>$|^(?:arn|ssm|secretsmanager|alias|s3|file|gs)"
                        r":|^(?:/|\./|~/|\.\./)")
_SECRET_NAME_VALUE = lazy(r"[a-z0-9]+(?:[-_./][a-z0-9]+)+")
_NAMING_WORDS = frozenset(("secret", "secrets", "token", "password", "key", "id", "name", "arn", "param",
                           "parameter", "creds", "credentials", "prod", "dev", "staging", "test"))


def _words(name: str) -> list:
    """Upper-case words of a name: `hfToken`, `HF_TOKEN`, `hf-token` and `hf.token` all give HF, TOKEN."""
    return [w.upper() for w in re.split(r"[^A-Za-z0-9]+", _CAMEL.sub("_", name)) if w]


def secret_word(name) -> str | None:
    """'password', 'secret', 'token', 'API key' or 'private key' when the name is secret-like, else None."""
    if not isinstance(name, str) or not name or len(name) > 200:
        return None
    words = _words(name)
    if not words or words[-1] in _DESCRIBING or _COUNTING & set(words):
        return None
    found = None
    for i, word in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        before = words[i - 1] if i else ""
        if "PASSWORD" in word or "PASSWD" in word or "PASSPHRASE" in word:
            found = found or "password"
        elif word.startswith("SECRET") or word.endswith("SECRET"):
            found = found or "secret"
        elif word.endswith("TOKEN") and (word != "TOKEN" or before not in _SPECIAL_TOKENS) \
                and word[:-5] not in _SPECIAL_TOKENS:
            found = found or "token"
        elif word.endswith("APIKEY") or (word == "API" and after == "KEY"):
            found = found or "API key"
        elif word.endswith("PRIVATEKEY") or (word == "PRIVATE" and after == "KEY"):
            found = found or "private key"
    return found


def _unquoted(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text


def is_placeholder(value: str) -> bool:
    squashed = re.sub(r"[\s_\-.]", "", value.lower())
    if squashed in _PLACEHOLDERS or not squashed:
        return True
    words = set(re.findall(r"[a-z0-9]+", value.lower()))
    if words and words <= _PLACEHOLDERS:  # "token=token", "<secret>", "password: password"
        return True
    if len(set(squashed)) == 1:  # "xxxxxxxx", "********", "00000000"
        return True
    if squashed.startswith(("your", "insert", "enter", "replace", "put", "add")) and len(squashed) < 40:
        return True  # "your-api-key-here", "YOUR_TOKEN", "insert-token"
    return "example" in squashed or squashed.startswith(("xxx", "***", "..."))


def is_literal_secret(value, word: str) -> bool:
    """Whether a value under a secret-like name (`word` from `secret_word`) holds a credential."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return word == "password" and len(str(value)) >= 4
    if not isinstance(value, str):
        return False
    text = _unquoted(value)
    if len(text) < 4 or text.lower() in _FLAGS or is_placeholder(text):
        return False
    if word != "password" and re.fullmatch(r"[0-9.]+", text):
        return False  # a token count, a version
    if _REFERENCE.search(text) or text.startswith(("http://", "https://")) and not _URL_PASSWORD.search(text):
        return False
    if _SECRET_NAME_VALUE.fullmatch(text) and set(re.split(r"[-_./]", text)) & _NAMING_WORDS:
        return False  # "prod/ml/hf-token", "my-secret-id": the name of a secret
    return True


def shape_of(text: str) -> str | None:
    """The kind of credential the text contains by its shape alone (whatever name holds it), else None."""
    if not isinstance(text, str) or len(text) < 16:
        return None
    text = text[:MAX_SCRIPT]  # bounded work on a huge value; a credential is not hidden 512 KiB into one
    for match in _KEY_ID.finditer(text):
        if not match.group(0).endswith("EXAMPLE"):
            return AWS_KEY_ID
    if "PRIVATE KEY" in text and _PRIVATE_KEY.search(text):
        return PRIVATE_KEY
    if _TOKENS.search(text):
        return TOKEN_SHAPE
    for match in _URL_PASSWORD.finditer(text):
        if not is_placeholder(match.group(2)) and not _REFERENCE.search(match.group(2)):
            return URL_PASSWORD
    return None


def classify(name, value) -> str | None:
    """The kind of credential a setting holds (see the module docs), else None."""
    if isinstance(value, str):
        shape = shape_of(value)
        if shape:
            return shape
    word = secret_word(name)
    if word is None or not is_literal_secret(value, word):
        return None
    if isinstance(value, str) and _aws_secret_name(name) and _AWS_SECRET_SHAPE.fullmatch(_unquoted(value)):
        return AWS_SECRET_KEY
    return f"literal {word}"


def _aws_secret_name(name: str) -> bool:
    words = "_".join(_words(name))
    return "SECRET_ACCESS_KEY" in words or "SECRETACCESSKEY" in words or "SECRET_KEY" in words


# -- shell scripts ------------------------------------------------------------------------------------------

_ASSIGNMENT = lazy(
    r"""(?:^|(?<=[\s;&|("'`]))(?:export\s+|declare\s+-[a-zA-Z]+\s+|local\s+|readonly\s+|typeset\s+)?"""
    r"""([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|)"'`]*)""")
_CONFIG = lazy(r"""["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*(["'])([^"'\n]*)\2""")
_OPTION = lazy(r"""(?<![A-Za-z0-9-])--([A-Za-z][A-Za-z0-9_-]*)(?:=|\s+)"""
                     r"""("[^"]*"|'[^']*'|[^\s;&|)"'`-][^\s;&|)"'`]*)""")
_AWS_CONFIGURE = lazy(r"\baws\s+configure\s+set\s+(?:[\w-]+\.)?(aws_secret_access_key|aws_session_token)"
                            r"\s+(\S+)")


def _shell_value(raw: str) -> str | None:
    """The literal text of a shell word, or None when it expands something ($VAR, $(...), `...`) or is code
    rather than a word (`key=response["Credentials"]`, `token=str(uuid4())` in an embedded Python script)."""
    if raw.startswith("'") and raw.endswith("'") and len(raw) >= 2:
        return raw[1:-1]
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        raw = raw[1:-1]
    elif any(c in raw for c in "[](){}<>,"):
        return None
    if "$" in raw or "`" in raw:
        return None
    return raw


def scan_script(text: str) -> list:
    """Every credential in a shell script, as `Match`es with their 1-based line (at most one per line)."""
    out = []
    seen_lines = set()

    def add(kind, name, line):
        if line not in seen_lines:
            seen_lines.add(line)
            out.append(Match(kind, name, line))

    if "PRIVATE KEY" in text:
        for match in _PRIVATE_KEY.finditer(text):
            add(PRIVATE_KEY, None, text.count("\n", 0, match.start()) + 1)
    for number, line in enumerate(text.splitlines(), start=1):
        if number in seen_lines:
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        line = line[:MAX_LINE]
        found = _script_line(line)
        if found:
            add(found[0], found[1], number)
    return sorted(out, key=lambda m: m.line)


def _script_line(line: str):
    configure = _AWS_CONFIGURE.search(line)
    if configure:
        value = _shell_value(configure.group(2))
        if value is not None and not is_placeholder(value) and len(value) >= 4:
            return (AWS_SECRET_KEY if "secret" in configure.group(1) else "literal token"), configure.group(1)
    for pattern in (_ASSIGNMENT, _OPTION):
        for match in pattern.finditer(line):
            name, value = match.group(1), _shell_value(match.group(2))
            if value is None:
                continue
            kind = classify(name, value)
            if kind:
                return kind, name
    for match in _CONFIG.finditer(line):
        name, value = match.group(1), match.group(3)
        if "$" in value:
            continue
        kind = classify(name, value)
        if kind:
            return kind, name
    shape = shape_of(line)
    if shape:
        return shape, None
    return None


# -- base64 -------------------------------------------------------------------------------------------------

def decode_base64(text: str) -> tuple:
    """(decoded text, None) or (None, reason): strict base64 (whitespace ignored), bounded, UTF-8 only."""
    if not isinstance(text, str):
        return None, "content is not text"
    if len(text) > MAX_ENCODED:
        return None, f"content is larger than {MAX_ENCODED // 1024} KiB"
    compact = re.sub(r"\s+", "", text)
    if not compact:
        return "", None
    try:
        raw = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None, "content is not valid base64"
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "content is not UTF-8 text after base64 decoding"
    if "\x00" in decoded:
        return None, "content is binary after base64 decoding"
    return decoded, None


def bounded(text: str) -> tuple:
    """(text, None) when a script is small enough to scan, else (None, reason)."""
    if len(text) > MAX_SCRIPT:
        return None, f"script is longer than {MAX_SCRIPT // 1024} KiB"
    return text, None
