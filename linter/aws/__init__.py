"""AWS knowledge: what AWS does and what its resources mean (defaults, IAM actions and policies, KMS, S3, network,
hosting, monitoring, audit), read by the rules. The datasets behind it are generated into `mlcheck/data/`.
"""
