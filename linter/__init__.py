"""mlcheck: ML-architecture best-practice linter for CloudFormation and SageMaker configuration."""

__version__ = "0.1.0"

# Where the project lives: the rule pages (SARIF helpUri, JSON url, --explain) and the README's snippets point
# here. One place to change when the repository moves; pyproject.toml's [project.urls] says the same.
REPOSITORY = "https://github.com/mlcheck/mlcheck"
