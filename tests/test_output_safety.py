"""Linear time on many findings or suppressions: JUnit name de-duplication and suppression matching."""

import xml.etree.ElementTree as ET

from mlcheck import suppressions
from mlcheck.findings import Finding, RunResult
from mlcheck.reporters import ReportOptions, get_reporter
from mlcheck.reporters.junit import Suite

def finding(message="Notebook 'Nb' has direct internet access", file="stack.yaml", resource="Nb", line=3,
            rule_id="MLC401", severity="high", **extra):
    return Finding(rule_id=rule_id, rule_name="notebook-direct-internet", severity=severity, message=message,
                   file=file, line=line, column=7, end_line=line, end_column=20, resource=resource,
                   resource_type=extra.pop("resource_type", "AWS::SageMaker::NotebookInstance"),
                   path=("Resources", resource or "", "X"),
                   fix="Set DirectInternetAccess: Disabled.", uri=extra.pop("uri", file), **extra)


def render(fmt, result, **options):
    options.setdefault("step_summary", "")
    return get_reporter(fmt).render(result, ReportOptions(version="9.9.9", **options))



# -- linear time -------------------------------------------------------------------------------------------------

class CountingSet(set):
    probes = 0

    def __contains__(self, item):
        CountingSet.probes += 1
        return super().__contains__(item)


def junit_probes(n: int) -> int:
    suite = Suite("stack.yaml")
    suite.names = CountingSet()
    CountingSet.probes = 0
    for _ in range(n):
        suite.unique("MLC401 Nb line 3")
    suite.unique("MLC401 Nb line 3 (7)")  # a name that happens to look generated is still made unique
    assert len(suite.names) == n + 1
    return CountingSet.probes


def test_junit_names_are_made_unique_in_linear_time():
    assert junit_probes(20_000) <= 2 * 20_000 + 2
    assert junit_probes(4_000) * 4 >= junit_probes(16_000) - 8


def test_junit_report_of_20000_findings_with_one_name():
    result = RunResult(findings=[finding(line=3) for _ in range(20_000)], files_checked=1)
    root = ET.fromstring(render("junit", result))
    names = [case.get("name") for case in root.iter("testcase")]
    assert len(set(names)) == 20_000 and names[1] == "MLC401 Nb line 3 (2)" and names[-1].endswith("(20000)")


class CountingIds(frozenset):
    """A suppression's rule IDs, counting how often matching looks at them."""
    looks = 0

    def __contains__(self, item):
        CountingIds.looks += 1
        return super().__contains__(item)

    def __iter__(self):
        CountingIds.looks += 1
        return super().__iter__()


def suppression_looks(n: int) -> int:
    CountingIds.looks = 0
    found = [suppressions.Suppression(CountingIds(["MLC401"]), "MLC401", f"R{i}", "why", None, ("Resources",),
                                      "mlcheck") for i in range(n)]
    findings = [finding(rule_id="MLC403", resource=f"R{i}") for i in range(n)]  # matched by none: the worst case
    findings += [finding(resource=f"R{i}") for i in range(0, n, 2)]  # every other resource's finding is covered
    suppressions.apply(found, findings)
    assert sum(f.suppressed for f in findings) == len(range(0, n, 2))
    assert sum(s.used for s in found) == len(range(0, n, 2))
    return CountingIds.looks


def test_suppressions_are_matched_in_linear_time():
    assert suppression_looks(10_000) <= 10_000 + 2
    assert suppression_looks(10_000) <= 4 * suppression_looks(2_500) + 4


def test_resource_suppression_still_wins_over_file_suppression_and_first_one_is_used():
    file_level = suppressions.Suppression(frozenset(["MLC401"]), "MLC401", None, "whole file", None, (), "mlcheck")
    first = suppressions.Suppression(frozenset(["MLC401"]), "MLC401", "Nb", "first", None, (), "mlcheck")
    second = suppressions.Suppression(frozenset(["MLC401"]), "MLC401", "Nb", "second", None, (), "mlcheck")
    broken = suppressions.Suppression(frozenset(["MLC401"]), "MLC401", "Other", "", None, (), "mlcheck",
                                      problem="has no reason")
    findings = [finding(resource="Nb"), finding(resource="Other"), finding(resource=None)]
    suppressions.apply([file_level, broken, first, second], findings)
    assert [f.suppression_reason for f in findings] == ["first", "whole file", "whole file"]
    assert (first.used, second.used, file_level.used, broken.used) == (True, False, True, False)
