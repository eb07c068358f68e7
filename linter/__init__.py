"""mlcheck: ML-architecture best-practice linter for CloudFormation and SageMaker configuration."""

__version__ = "0.1.0"
