"""mlcheck rule IDs as cfn-lint rule IDs.

cfn-lint's IDs are a level letter and four digits, and the letter is the level: E (error), W (warning), I
(informational). An mlcheck rule MLCxyz becomes <letter>9xyz, the letter from the rule's severity (critical and
high are errors, medium and low warnings, info informational): MLC401 (high) is E9401, MLC501 (medium) W9501.
No cfn-lint rule uses the 9xxx range. The level is the rule's: a rule that grades its findings (MLC104 is high
when privilege escalation is unscoped) keeps one ID, and each message starts with mlcheck's ID and the
finding's own severity (`MLC104 [high]: ...`).
"""

from __future__ import annotations

LEVEL_LETTER = {"critical": "E", "high": "E", "medium": "W", "low": "W", "info": "I"}


def cfnlint_id(rule_id: str, severity: str) -> str:
    """E9401 for MLC401 of severity high."""
    return f"{LEVEL_LETTER[severity]}9{rule_id[3:]}"


def cfnlint_message(rule_id: str, severity: str, message: str) -> str:
    return f"{rule_id} [{severity}]: {message}"
