"""What a run produces: findings, errors and the unknowns, in the one shape every reporter reads."""

from __future__ import annotations

from mlcheck.model.document import pointer
from mlcheck.util.record import Record
from mlcheck.findings.severity import RANK, SEVERITIES, at_least

MAX_MESSAGE = 4000  # characters: messages quote template values, and one may be megabytes long (legitimate
# messages listing many actions reach 2,340 characters on the corpus)


def bounded(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text`, cut to `limit` characters with a note of its full length when longer (a text cut already, whose
    note takes it a little over the limit, is left as it is)."""
    if len(text) <= limit + 40:
        return text
    return f"{text[:limit]}... ({len(text):,} characters in all)"


def fingerprint(*parts: str) -> str:
    """A short, stable hash of `parts` (no line numbers go in: an identity that survives edits elsewhere)."""
    import hashlib  # here, not at import: OpenSSL's start-up is paid only by formats that print fingerprints

    key = "|".join(parts)
    # surrogatepass: a non-UTF-8 file name (lone surrogates) still has one; valid text hashes as before
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Finding(Record):
    __slots__ = _fields = ("rule_id", "rule_name", "severity", "message", "file", "line", "column", "end_line",
                           "end_column", "resource", "resource_type", "path", "fix", "suppressed",
                           "suppression_reason", "uri", "subjects", "summary", "detail", "arn")
    rule_id: str
    rule_name: str
    severity: str
    message: str
    file: str  # display path: relative to the working directory when inside it
    line: int
    column: int
    end_line: int
    end_column: int
    resource: str | None
    resource_type: str | None
    path: tuple
    fix: str
    suppressed: bool
    suppression_reason: str | None
    uri: str  # repository-relative POSIX path (SARIF, fingerprints)
    subjects: tuple  # what the finding reports, for "one finding per problem" (Hit.subjects)
    # `message` is the complete text (JSON, SARIF, JUnit, GitHub, baselines). When a rule gave particulars
    # (Hit.detail), `summary` is the message without them, which `concise` prints, and `detail` is what it left
    # out, which `full` prints below it; both are '' otherwise.
    summary: str
    detail: str
    arn: str | None  # the resource's ARN when it was read from an AWS account (aws://REGION), else None

    def __init__(
        self,
        rule_id,
        rule_name,
        severity,
        message,
        file,
        line,
        column,
        end_line,
        end_column,
        resource=None,
        resource_type=None,
        path=(),
        fix="",
        suppressed=False,
        suppression_reason=None,
        uri="",
        subjects=(),
        summary="",
        detail="",
        arn=None,
    ):
        self.rule_id = rule_id
        self.rule_name = rule_name
        self.severity = severity
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.resource = resource
        self.resource_type = resource_type
        self.path = path
        self.fix = fix
        self.suppressed = suppressed
        self.suppression_reason = suppression_reason
        self.uri = uri
        self.subjects = subjects
        self.summary = summary
        self.detail = detail
        self.arn = arn
        self.__post_init__()

    def __post_init__(self):
        self.message = bounded(self.message)
        self.summary = bounded(self.summary)
        self.detail = bounded(self.detail)

    @property
    def short_message(self) -> str:
        """The message as one line shows it: without the particulars `detail` holds."""
        return self.summary or self.message

    @property
    def pointer(self) -> str:
        return pointer(self.path)

    @property
    def fingerprint(self) -> str:
        """Line-independent identity: file, resource, rule and property path. Survives edits elsewhere."""
        return fingerprint(self.uri or self.file, self.resource or "", self.rule_id, self.pointer)

    def sort_key(self):
        return (self.file, self.line, self.column, self.rule_id, self.message)


class Error(Record):
    """A file that could not be read or parsed (exit 2), or an internal failure while checking it."""

    __slots__ = _fields = ("file", "line", "message", "column", "uri")
    file: str
    line: int
    message: str
    column: int
    uri: str

    def __init__(self, file, line, message, column=1, uri=""):
        self.file = file
        self.line = line
        self.message = message
        self.column = column
        self.uri = uri
        self.__post_init__()

    def __post_init__(self):
        self.message = bounded(self.message)


# Why a check was *unverified*: not a value the template leaves unknown, but one of mlcheck's own limits (this
# one, or a resolution limit: "resolution budget exceeded", "expression nested too deeply").
UNVERIFIED_CONDITIONS = "too many conditions"


class UnknownValue(Record):
    """A value a rule could not verify (shown with --show-unknown): no finding, no pass.

    `unverified` names the limit of mlcheck that stopped a whole check of a rule on a resource (too many
    conditions to branch on, the resolution budget); those are counted in the summary line and, for rules of
    `severity` at least --fail-on-unverified, fail the run."""

    __slots__ = _fields = ("rule_id", "file", "line", "resource", "path", "reason", "unverified", "severity",
                           "column", "uri")
    rule_id: str
    file: str  # display path, as Finding.file
    line: int
    resource: str | None
    path: tuple
    reason: str
    unverified: str
    severity: str
    column: int
    uri: str  # repository-relative POSIX path, as Finding.uri

    def __init__(self, rule_id, file, line, resource, path, reason, unverified="", severity="", column=1, uri=""):
        self.rule_id = rule_id
        self.file = file
        self.line = line
        self.resource = resource
        self.path = path
        self.reason = reason
        self.unverified = unverified
        self.severity = severity
        self.column = column
        self.uri = uri
        self.__post_init__()

    def __post_init__(self):
        self.reason = bounded(self.reason)

    @property
    def pointer(self) -> str:
        return pointer(self.path)

    def sort_key(self):
        return (self.file, self.line, self.column, self.rule_id, self.reason)

    def fails(self, fail_on_unverified: str, fail_on: str) -> bool:
        """An unverified check of a rule at least as severe as both thresholds fails the run (`never`: none)."""
        return (bool(self.unverified) and fail_on_unverified in RANK and self.severity in RANK
                and at_least(self.severity, fail_on_unverified) and at_least(self.severity, fail_on))


class RunResult(Record):
    __slots__ = _fields = ("findings", "errors", "unknowns", "files_checked", "files_skipped", "rules", "baselined")
    findings: list
    errors: list
    unknowns: list
    files_checked: int  # files recognised as templates/configurations and linted
    files_skipped: list  # (file, reason)
    rules: dict  # rule id -> Rule, for reporters that describe rules
    baselined: int  # findings left out because the --baseline file records them

    def __init__(
        self, findings=None, errors=None, unknowns=None, files_checked=0, files_skipped=None, rules=None, baselined=0
    ):
        self.findings = [] if findings is None else findings
        self.errors = [] if errors is None else errors
        self.unknowns = [] if unknowns is None else unknowns
        self.files_checked = files_checked
        self.files_skipped = [] if files_skipped is None else files_skipped
        self.rules = {} if rules is None else rules
        self.baselined = baselined

    @property
    def active(self) -> list:
        return [f for f in self.findings if not f.suppressed]

    @property
    def suppressed(self) -> list:
        return [f for f in self.findings if f.suppressed]

    def counts_by_severity(self) -> dict:
        counts = {s: 0 for s in SEVERITIES}
        for finding in self.active:
            counts[finding.severity] += 1
        return counts

    def files_with_findings(self) -> int:
        return len({f.file for f in self.active})

    def failing(self, fail_on: str) -> bool:
        return any(at_least(f.severity, fail_on) for f in self.active)

    @property
    def unverified(self) -> list:
        """Checks that mlcheck's own limits kept from being decided (see UnknownValue.unverified)."""
        return [u for u in self.unknowns if u.unverified]

    def failing_unverified(self, fail_on_unverified: str, fail_on: str) -> bool:
        """An unverified check of a rule at least as severe as both thresholds (`never`: none fails)."""
        return any(u.fails(fail_on_unverified, fail_on) for u in self.unverified)

    def summary_line(self) -> str:
        counts = self.counts_by_severity()
        active = len(self.active)
        parts = [f"{counts[s]} {s}" for s in reversed(SEVERITIES) if counts[s]]
        noun = "finding" if active == 1 else "findings"
        text = f"{active} {noun}"
        if parts:
            text += f" ({', '.join(parts)})"
        # One wording, findings or not: the files checked (JSON's summary also counts the files with findings).
        checked = self.files_checked
        text += f" in {checked} file{'s' if checked != 1 else ''} checked"
        extras = []
        if self.suppressed:
            extras.append(f"{len(self.suppressed)} suppressed")
        if self.baselined:
            extras.append(f"{self.baselined} in baseline")
        if self.errors:
            extras.append(f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}")
        unverified = self.unverified
        if unverified:
            causes = "; ".join(sorted({u.unverified for u in unverified}))
            extras.append(f"{len(unverified)} check{'s' if len(unverified) != 1 else ''} could not be verified "
                          f"({causes}; see --show-unknown)")
        if extras:
            text += "; " + ", ".join(extras)
        return text

    def sorted(self) -> "RunResult":
        self.findings.sort(key=Finding.sort_key)
        self.errors.sort(key=lambda e: (e.file, e.line))
        return self


def severity_rank(severity: str) -> int:
    return RANK[severity]
