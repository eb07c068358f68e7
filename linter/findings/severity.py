"""Severities, ordered. Severity is rule metadata (never derived from the ID) and may be overridden by config."""

SEVERITIES = ("info", "low", "medium", "high", "critical")
RANK = {name: i for i, name in enumerate(SEVERITIES)}

# SARIF `security-severity` (GitHub code scanning buckets: >=9 critical, >=7 high, >=4 medium, else low).
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}


def at_least(severity: str, threshold: str) -> bool:
    return RANK[severity] >= RANK[threshold]
