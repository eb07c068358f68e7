"""AWS Security Hub's SageMaker controls (SageMaker.1 to SageMaker.25) and the mlcheck rules that cover them.

Which rule covers a control is written once, in that rule's `peers["aws"]` (so `--explain` and the rule pages
show it too); this module holds what the rules cannot: each control's title, the resource type it judges, and,
for controls no template check can judge, the reason. `coverage()` joins the two; `--list-rules` and the docs
index (tools/gen_docs.py) render it, and tests/test_securityhub.py checks that every control is either covered
by an existing rule that checks its resource type or listed as not applicable with a reason.

Titles of SageMaker.1 to SageMaker.15 are AWS's wording. Those of SageMaker.16 to SageMaker.25 were written
from the mapping in PEERS.md without access to the Security Hub documentation (`exact=False`): they say what
the control checks, not necessarily in AWS's words; replace them with AWS's titles when checked.
"""

from __future__ import annotations

from mlcheck.util.record import FrozenRecord
from mlcheck.util.regex import lazy

PREFIX = "SageMaker."
_CONTROL_ID = lazy(r"^SageMaker\.(\d+)$")


class Control(FrozenRecord):
    _fields = ("number", "title", "resource_type", "not_applicable", "exact")
    number: int
    title: str
    resource_type: str | None  # the CloudFormation type the control judges (None: not confirmed)
    not_applicable: str  # why no template check can judge it ('' for a judged control)
    exact: bool  # the title is AWS's wording

    def __init__(self, number, title, resource_type, not_applicable="", exact=True):
        object.__setattr__(self, "number", number)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "resource_type", resource_type)
        object.__setattr__(self, "not_applicable", not_applicable)
        object.__setattr__(self, "exact", exact)

    @property
    def id(self) -> str:
        return f"{PREFIX}{self.number}"


_NB, _EC, _MODEL = ("AWS::SageMaker::NotebookInstance", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Model")
_DQ, _MQ = "AWS::SageMaker::DataQualityJobDefinition", "AWS::SageMaker::ModelQualityJobDefinition"
_MB, _ME = "AWS::SageMaker::ModelBiasJobDefinition", "AWS::SageMaker::ModelExplainabilityJobDefinition"
_SCHEDULE, _FG = "AWS::SageMaker::MonitoringSchedule", "AWS::SageMaker::FeatureGroup"
_IE = "AWS::SageMaker::InferenceExperiment"
_TAGS = ("tagging control: tags often come from the stack as a whole (deploy --tags, StackSets), which the "
         "template does not show, and the required tag keys are a parameter set in the account")

CONTROLS = (
    Control(1, "Amazon SageMaker notebook instances should not have direct internet access", _NB),
    Control(2, "SageMaker notebook instances should be launched in a custom VPC", _NB),
    Control(3, "Users should not have root access to SageMaker notebook instances", _NB),
    Control(4, "SageMaker endpoint production variants should have an initial instance count greater than 1", _EC),
    Control(5, "SageMaker models should have network isolation enabled", _MODEL),
    Control(6, "SageMaker app image configurations should be tagged", "AWS::SageMaker::AppImageConfig", _TAGS),
    Control(7, "SageMaker images should be tagged", "AWS::SageMaker::Image", _TAGS),
    Control(8, "SageMaker notebook instances should run on supported platforms", _NB),
    Control(9, "SageMaker data quality job definitions should have inter-container traffic encryption enabled", _DQ),
    Control(10, "SageMaker model explainability job definitions should have inter-container traffic encryption "
                "enabled", _ME),
    Control(11, "SageMaker data quality job definitions should have network isolation enabled", _DQ),
    Control(12, "SageMaker model bias job definitions should have network isolation enabled", _MB),
    Control(13, "SageMaker model quality job definitions should have inter-container traffic encryption enabled",
            _MQ),
    Control(14, "SageMaker monitoring schedules should have network isolation enabled", _SCHEDULE),
    Control(15, "SageMaker model bias job definitions should have inter-container traffic encryption enabled", _MB),
    Control(16, "SageMaker models should pull their primary container image through a VPC "
                "(RepositoryAccessMode Vpc)", _MODEL, exact=False),
    Control(17, "SageMaker Feature Store offline stores should be encrypted with a customer managed KMS key", _FG,
            exact=False),
    Control(18, "SageMaker Feature Store online stores should be encrypted with a customer managed KMS key", _FG,
            exact=False),
    Control(19, "SageMaker model containers should pull their images through a VPC (RepositoryAccessMode Vpc)",
            _MODEL, exact=False),
    Control(20, "SageMaker model explainability job definitions should have network isolation enabled", _ME,
            exact=False),
    Control(21, "SageMaker data at rest should be encrypted with a customer managed KMS key (resource type not "
                "confirmed)", None, exact=False),
    Control(22, "SageMaker monitoring schedules should have inter-container traffic encryption enabled", _SCHEDULE,
            exact=False),
    Control(23, "SageMaker inference experiments should be encrypted with a KMS key", _IE, exact=False),
    Control(24, "SageMaker inference experiments should encrypt the data they capture with a KMS key", _IE,
            exact=False),
    Control(25, "SageMaker model quality job definitions should have network isolation enabled", _MQ, exact=False),
)
BY_ID = {c.id: c for c in CONTROLS}


def control_ids(rule) -> list:
    """The Security Hub SageMaker controls a rule names in its peers, in control order."""
    found = [pid for pid in rule.peers.get("aws", ()) if _CONTROL_ID.match(pid)]
    return sorted(found, key=lambda pid: int(pid.split(".")[1]))


def short_ids(ids) -> str:
    """'SageMaker.9, .10, .13' (the style of PEERS.md), '' for none."""
    ids = list(ids)
    if not ids:
        return ""
    return ", ".join([ids[0]] + [pid[len(PREFIX) - 1:] for pid in ids[1:]])


def coverage(rules) -> dict:
    """control id -> ids of the rules (of `rules`) that name it, for every control of CONTROLS."""
    out = {c.id: [] for c in CONTROLS}
    for rule in rules:
        for pid in control_ids(rule):
            out.setdefault(pid, []).append(rule.id)
    return out


def not_applicable_lines() -> list:
    """'SageMaker.6 <title>: <reason>' for each control no template check can judge."""
    return [f"{c.id} {c.title}: {c.not_applicable}" for c in CONTROLS if c.not_applicable]
