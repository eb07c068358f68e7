"""What a run produces: findings, errors, unknowns and severities, the one shape every reporter reads."""
