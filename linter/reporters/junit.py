"""`junit`: JUnit XML for CI systems that display test reports (GitLab, Jenkins, Azure DevOps, CircleCI).

The report gives the run's verdict: its failures are what fails the run. One testsuite per file with findings
or errors, one testcase per finding:
- a finding at or above --fail-on is a `<failure>`;
- one below it is a passing testcase, the finding in its `<system-out>` (it is reported, and fails nothing);
- a suppressed finding is `<skipped>`, with the suppression's reason;
- a file that could not be checked is an `<error>`, and a check that fails the run because mlcheck could not
  verify it (--fail-on-unverified) a `<failure>`.
Clean files are not listed in RunResult, so a run without any finding reports one passing testcase in a summary
suite named "mlcheck" (an empty report reads as "no tests").

Test-case names carry no line number, so a CI's history of a test survives edits that move it: `MLC401 Nb`
(rule and resource; the rule's name when there is no resource), with ` (2)`, ` (3)`... only to tell apart
findings that would share a name. Where it is lies in the testcase's `file` (from the repository's root, as
GitLab links it) and `line` attributes (as pytest writes them) and its properties.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mlcheck.findings.severity import at_least
from mlcheck.reporters.escaping import visible
from mlcheck.util.regex import lazy

# Non-characters XML 1.0 cannot carry at all; `visible` has already escaped the control characters (binary
# files produce them in parse messages) and lone surrogates.
_INVALID_XML = lazy("[\ufffe\uffff]")


def _clean(text) -> str:
    """Text from the input as XML can carry it and a CI page or terminal can show it."""
    return _INVALID_XML.sub("\ufffd", visible(text))


class Suite:
    def __init__(self, name: str):
        self.element = ET.Element("testsuite", name=_clean(name))
        self.names: set = set()
        self.next_suffix: dict = {}  # name -> the n of the next "name (n)" to try
        self.tests = self.failures = self.errors = self.skipped = 0

    def unique(self, name: str) -> str:
        """`name`, or `name (n)` for the smallest free n. Probing resumes where the last one for this name
        stopped, so 20,000 findings with one name cost linear, not quadratic, time."""
        candidate, n = name, self.next_suffix.get(name, 1)
        if n > 1:
            candidate = f"{name} ({n})"
        while candidate in self.names:
            n += 1
            candidate = f"{name} ({n})"
        self.names.add(candidate)
        self.next_suffix[name] = n + 1
        return candidate

    def case(self, name: str, classname: str, file: str | None = None, line: int | None = None,
             properties: dict | None = None) -> ET.Element:
        self.tests += 1
        case = ET.SubElement(self.element, "testcase", name=self.unique(_clean(name)), classname=_clean(classname))
        if file is not None:
            case.set("file", _clean(file))
        if line is not None:
            case.set("line", str(line))
        if properties:
            holder = ET.SubElement(case, "properties")
            for key, value in properties.items():
                if value not in (None, ""):
                    ET.SubElement(holder, "property", name=key, value=_clean(value))
        return case

    def finish(self) -> ET.Element:
        self.element.set("tests", str(self.tests))
        self.element.set("failures", str(self.failures))
        self.element.set("errors", str(self.errors))
        self.element.set("skipped", str(self.skipped))
        return self.element


def _finding_details(finding) -> str:
    """The finding's text, one field a line: each field is cleaned on its own, so only these line breaks
    remain and every line starts with mlcheck's own words."""
    lines = [f"{_clean(finding.file)}:{finding.line}:{finding.column}: {finding.rule_id} {finding.rule_name}",
             f"Severity: {finding.severity}"]
    if finding.resource:
        kind = f" ({_clean(finding.resource_type)})" if finding.resource_type else ""
        lines.append(f"Resource: {_clean(finding.resource)}{kind}")
    lines.append(f"Message: {_clean(finding.message)}")
    if finding.fix:
        lines.append(f"Fix: {_clean(finding.fix)}")
    if finding.suppressed:
        lines.append(f"Suppressed: {_clean(finding.suppression_reason or 'no reason given')}")
    return "\n".join(lines)


def _case_name(rule_id: str, resource, rule_name: str) -> str:
    return f"{rule_id} {resource or rule_name}"


def _finding_case(suite: Suite, finding, fail_on: str) -> None:
    properties = {"severity": finding.severity, "line": finding.line, "column": finding.column,
                  "resource": finding.resource, "resource_type": finding.resource_type, "path": finding.pointer,
                  "fingerprint": finding.fingerprint}
    case = suite.case(_case_name(finding.rule_id, finding.resource, finding.rule_name), finding.file,
                      file=finding.uri or finding.file, line=finding.line, properties=properties)
    details = _finding_details(finding)
    if finding.suppressed:
        reason = finding.suppression_reason or "no reason given"
        ET.SubElement(case, "skipped", message=_clean(f"suppressed: {reason}"))
        ET.SubElement(case, "system-out").text = details
        suite.skipped += 1
    elif at_least(finding.severity, fail_on):
        ET.SubElement(case, "failure", type=finding.rule_id, message=_clean(finding.message)).text = details
        suite.failures += 1
    else:  # reported, below the threshold: it passes
        ET.SubElement(case, "system-out").text = details


def render(result, options) -> str:
    from mlcheck.reporters import error_keys, is_error_duplicate

    errors = error_keys(result)
    suites: dict = {}

    def suite(file: str) -> Suite:
        if file not in suites:
            suites[file] = Suite(file)
        return suites[file]

    # Errors become <error> testcases; an MLC001 finding repeating one is not reported a second time.
    for error in sorted(result.errors, key=lambda e: (e.file, e.line)):
        s = suite(error.file)
        case = s.case("MLC001 could not be checked", error.file, file=error.uri or error.file, line=error.line)
        ET.SubElement(case, "error", type="MLC001", message=_clean(error.message)).text = \
            f"{_clean(error.file)}:{error.line}:{error.column}: {_clean(error.message)}"
        s.errors += 1
    for finding in sorted(result.findings, key=lambda f: f.sort_key()):
        if is_error_duplicate(finding, errors):
            continue
        _finding_case(suite(finding.file), finding, options.fail_on)
    failing = [u for u in result.unverified if u.fails(options.fail_on_unverified, options.fail_on)]
    for unknown in sorted(failing, key=lambda u: u.sort_key()):
        s = suite(unknown.file)
        case = s.case(f"{_case_name(unknown.rule_id, unknown.resource, 'check')} could not be verified",
                      unknown.file, file=unknown.uri or unknown.file, line=unknown.line,
                      properties={"severity": unknown.severity, "path": unknown.pointer})
        ET.SubElement(case, "failure", type="unverified", message=_clean(unknown.reason)).text = \
            f"{_clean(unknown.file)}:{unknown.line}: {unknown.rule_id} could not be verified " \
            f"({_clean(unknown.unverified)}): {_clean(unknown.reason)}"
        s.failures += 1
    if not suites:
        s = suite("mlcheck")
        s.case(f"no findings in {result.files_checked} file{'s' if result.files_checked != 1 else ''} checked",
               "mlcheck")

    root = ET.Element("testsuites", name="mlcheck")
    elements = [suites[name].finish() for name in sorted(suites)]
    root.extend(elements)
    for attr in ("tests", "failures", "errors", "skipped"):
        root.set(attr, str(sum(getattr(s, attr) for s in suites.values())))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
