"""Scenarios follow what a rule reads: a rule is checked branch by branch on the conditions of the values it
read, whatever other `Fn::If`s the resource has; what the cap still leaves open is an *unverified* check, said
in the summary line and failing the run for high rules (`--fail-on-unverified`, default high)."""

import json

from bounded import notebook, run_bounded, write_template

P = {"P": {"Type": "String"}}


def _conditions(*names):
    return {name: {"Fn::Equals": [{"Ref": "P"}, name.lower()]} for name in names}


def test_four_unrelated_ifs_no_longer_hide_mlc401_on_a_fifth(tmp_path, run_cli):
    tags = [{"Key": f"t{i}", "Value": {"Fn::If": [f"C{i}", "a", "b"]}} for i in range(1, 5)]
    path = write_template(tmp_path, {"Nb": notebook({"Fn::If": ["C5", "Enabled", "Disabled"]}, Tags=tags)},
                          Parameters=P, Conditions=_conditions("C1", "C2", "C3", "C4", "C5"))
    code, out, _ = run_bounded(run_cli, "--select", "MLC401", path)
    assert code == 1
    assert ("MLC401 [high] Notebook instance 'Nb' has direct internet access (DirectInternetAccess is Enabled) "
            "(when condition C5 is true)\n") in out
    assert "could not be verified" not in out


def test_ten_unrelated_ifs_and_a_nested_pair(tmp_path, run_cli):
    """The rule branches on the two conditions of the value it reads (nested: found one after the other)."""
    names = [f"A{i}" for i in range(10)] + ["Y", "Z"]
    tags = [{"Key": n, "Value": {"Fn::If": [n, "a", "b"]}} for n in names[:10]]
    value = {"Fn::If": ["Z", {"Fn::If": ["Y", "Enabled", "Disabled"]}, "Disabled"]}
    path = write_template(tmp_path, {"Nb": notebook(value, Tags=tags)}, Parameters=P,
                          Conditions=_conditions(*names))
    code, out, _ = run_bounded(run_cli, "--select", "MLC401", path)
    assert code == 1
    assert "(when condition Y is true and condition Z is true)\n" in out


def _past_the_cap(tmp_path, rule_property, depth=7, **extra):
    """A value that is Enabled only when `depth` conditions are all true: one more than a rule branches on."""
    names = [f"N{i}" for i in range(depth)]
    value = "Enabled"
    for name in reversed(names):
        value = {"Fn::If": [name, value, "Disabled"]}
    return write_template(tmp_path, {"Nb": notebook("Disabled", **{rule_property: value}, **extra)},
                          Parameters=P, Conditions=_conditions(*names))


def test_a_high_check_past_the_cap_is_unverified_and_fails(tmp_path, run_cli):
    path = _past_the_cap(tmp_path, "DirectInternetAccess")
    code, out, err = run_bounded(run_cli, "--select", "MLC401", "--show-unknown", path)
    assert code == 1
    assert out.strip().endswith("0 findings in 1 file checked; 1 check could not be verified "
                                "(too many conditions; see --show-unknown)")
    assert "MLC401 could not verify (Nb): the check depends on more conditions than the 6" in err
    assert "not branched on: N6" in err
    assert json.loads(run_bounded(run_cli, "--select", "MLC401", "-f", "json", path)[1])["summary"]["unverified"] == 1
    for args, expected in [(("--fail-on-unverified", "never"), 0), (("--fail-on", "critical"), 0),
                           (("--fail-on-unverified", "critical"), 0), (("--exit-zero",), 0),
                           (("--fail-on-unverified", "medium"), 1)]:
        assert run_bounded(run_cli, "--select", "MLC401", *args, path)[0] == expected, args


def test_fixing_a_parameter_verifies_the_check(tmp_path, run_cli):
    """--parameter fixes every condition on P: nothing is left open, and the finding is decided."""
    path = _past_the_cap(tmp_path, "DirectInternetAccess")
    code, out, _ = run_bounded(run_cli, "--select", "MLC401", "--parameter", "P=n0", path)
    assert code == 0 and "could not be verified" not in out  # N0 is true only for n0, N1 false: Disabled


def test_a_medium_check_past_the_cap_is_said_but_does_not_fail_by_default(tmp_path, run_cli):
    path = _past_the_cap(tmp_path, "RootAccess")
    code, out, _ = run_bounded(run_cli, "--select", "MLC403", path)
    assert code == 0 and "1 check could not be verified (too many conditions" in out
    assert run_bounded(run_cli, "--select", "MLC403", "--fail-on-unverified", "medium", path)[0] == 1


def test_a_finding_on_every_decided_branch_has_no_branch_note(tmp_path, run_cli):
    """RootAccess is Enabled on every branch; DirectInternetAccess past the cap does not change that note."""
    path = _past_the_cap(tmp_path, "DirectInternetAccess", RootAccess="Enabled")
    code, out, _ = run_bounded(run_cli, "--select", "MLC401,MLC403", path)
    assert code == 1
    assert "gives its users root access (RootAccess is Enabled)\n" in out


def test_an_inline_suppression_covers_an_unverified_check(tmp_path, run_cli):
    """A rule suppressed on the resource on purpose does not fail the run as 'could not be verified', and the
    suppression is not reported as unused (MLC003)."""
    metadata = {"mlcheck": {"ignore": [{"id": "MLC401", "reason": "lab notebook, internet access intended"}]}}
    path = _past_the_cap(tmp_path, "DirectInternetAccess")
    data = json.loads(open(path).read())
    data["Resources"]["Nb"]["Metadata"] = metadata
    open(path, "w").write(json.dumps(data))
    code, out, err = run_bounded(run_cli, "--select", "MLC401,MLC003", "--show-unknown", path)
    assert code == 0, out
    assert "could not be verified" not in out and "MLC003" not in out
    assert "(suppressed: lab notebook, internet access intended)" in err
    assert run_bounded(run_cli, "--select", "MLC401", "--no-inline-suppressions", path)[0] == 1


def test_fail_on_unverified_is_a_configuration_key(tmp_path, run_cli):
    """Keys mirror the flags: a repository can set `fail-on-unverified` in .mlcheck.yaml; the command line wins."""
    path = _past_the_cap(tmp_path, "DirectInternetAccess")
    (tmp_path / ".mlcheck.yaml").write_text("fail-on-unverified: never\n")
    code, out, _ = run_bounded(run_cli, "--select", "MLC401", path, cwd=tmp_path)
    assert code == 0 and "1 check could not be verified" in out
    assert run_bounded(run_cli, "--select", "MLC401", "--fail-on-unverified", "high", path, cwd=tmp_path)[0] == 1
    code, out, _ = run_bounded(run_cli, "--show-config", cwd=tmp_path)
    assert 'fail-on-unverified = "never"' in out


def test_per_path_ignores_cover_unverified_checks(tmp_path, run_cli):
    _past_the_cap(tmp_path, "DirectInternetAccess")  # written as t.json
    (tmp_path / ".mlcheck.yaml").write_text("per-path-ignores:\n  't.json': [MLC401]\n")
    code, out, _ = run_bounded(run_cli, "--select", "MLC401", "t.json", cwd=tmp_path)
    assert code == 0 and "could not be verified" not in out
