"""`junit`: JUnit XML for CI systems that display test reports (GitLab, Jenkins, Azure DevOps, CircleCI).

One testsuite per file with findings or errors, one failing testcase per unsuppressed finding and one erroring
testcase per file that could not be checked. Clean files are not listed in RunResult, so a run without any
finding reports one passing testcase in a summary suite named "mlcheck" (an empty report reads as "no tests").
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mlcheck.util.regex import lazy
from mlcheck.reporters.escaping import visible

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
        self.tests = self.failures = self.errors = 0

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

    def case(self, name: str, classname: str) -> ET.Element:
        self.tests += 1
        return ET.SubElement(self.element, "testcase", name=self.unique(_clean(name)), classname=_clean(classname))

    def finish(self) -> ET.Element:
        self.element.set("tests", str(self.tests))
        self.element.set("failures", str(self.failures))
        self.element.set("errors", str(self.errors))
        self.element.set("skipped", "0")
        return self.element


def _finding_details(finding) -> str:
    """The failure's text, one field a line: each field is cleaned on its own, so only these line breaks
    remain and every line starts with mlcheck's own words."""
    lines = [f"{_clean(finding.file)}:{finding.line}:{finding.column}: {finding.rule_id} {finding.rule_name}",
             f"Severity: {finding.severity}"]
    if finding.resource:
        kind = f" ({_clean(finding.resource_type)})" if finding.resource_type else ""
        lines.append(f"Resource: {_clean(finding.resource)}{kind}")
    lines.append(f"Message: {_clean(finding.message)}")
    if finding.fix:
        lines.append(f"Fix: {_clean(finding.fix)}")
    return "\n".join(lines)


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
        case = s.case(f"MLC001 line {error.line}", error.file)
        ET.SubElement(case, "error", type="MLC001", message=_clean(error.message)).text = \
            f"{_clean(error.file)}:{error.line}:{error.column}: {_clean(error.message)}"
        s.errors += 1
    for finding in sorted(result.active, key=lambda f: f.sort_key()):
        if is_error_duplicate(finding, errors):
            continue
        s = suite(finding.file)
        where = f"{finding.resource} line {finding.line}" if finding.resource else f"line {finding.line}"
        case = s.case(f"{finding.rule_id} {where}", finding.file)
        ET.SubElement(case, "failure", type=finding.rule_id, message=_clean(finding.message)).text = \
            _finding_details(finding)
        s.failures += 1
    if not suites:
        s = suite("mlcheck")
        s.case(f"no findings in {result.files_checked} file{'s' if result.files_checked != 1 else ''} checked",
               "mlcheck")

    root = ET.Element("testsuites", name="mlcheck")
    elements = [suites[name].finish() for name in sorted(suites)]
    root.extend(elements)
    for attr in ("tests", "failures", "errors"):
        root.set(attr, str(sum(getattr(s, attr) for s in suites.values())))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
