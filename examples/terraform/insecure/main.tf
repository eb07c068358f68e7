# The stack of examples/terraform/secure/ with the mistakes commonly made on the way to a first endpoint.
# It plans and it would work, which is the point: mlcheck examples/terraform/insecure/plan.json
# The findings expected are written beside the lines they point at in this file (`expect:`); in the plan,
# each points at its resource's entry.

locals {
  account = "111122223333"
  name    = "fraud"
  bucket  = "mlcheck-insecure-fraud-data"
}

# rotation left off; the key policy delegates to IAM, but the execution role is never granted the key
resource "aws_kms_key" "main" { # expect: MLC205 aws_kms_key.main line 13
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${local.account}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# no public access block, no policy, the default encryption, no versioning
# expect: MLC207 aws_s3_bucket.data line 27 # expect: MLC304 aws_s3_bucket.data line 27 # expect: MLC307 aws_s3_bucket.data line 27
resource "aws_s3_bucket" "data" { # expect: MLC301 aws_s3_bucket.data line 27 # expect: MLC610 aws_s3_bucket.data line 27
  bucket = local.bucket
}

# anyone at SageMaker may assume it (no aws:SourceAccount), it can do anything in SageMaker and in S3
resource "aws_iam_role" "model" {
  name = "${local.name}-model"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ # expect: MLC108 aws_iam_role.model line 36
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  inline_policy {
    name = "data-access"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = "s3:*" # expect: MLC103 aws_iam_role.model line 48 # expect: MLC110 aws_iam_role.model line 48
        Resource = "*"
      }]
    })
  }
}

resource "aws_iam_role_policy_attachment" "full_access" {
  role       = aws_iam_role.model.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess" # expect: MLC101 aws_iam_role.model line 57 # expect: MLC109 aws_iam_role.model line 57
}

resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  availability_zone = "us-east-1a"
  cidr_block        = "10.20.0.0/24"
}

# HTTPS from anywhere, and (Terraform's default) no egress rule
resource "aws_security_group" "model" {
  name   = "${local.name}-model"
  vpc_id = aws_vpc.main.id
  ingress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"] # expect: MLC409 aws_security_group.model line 80
  }
}

# one subnet, no private DNS, and no endpoint for sagemaker.runtime nor S3
resource "aws_vpc_endpoint" "sagemaker_api" {
  vpc_id             = aws_vpc.main.id
  service_name       = "com.amazonaws.us-east-1.sagemaker.api" # expect: MLC408 aws_vpc_endpoint.sagemaker_api line 87
  vpc_endpoint_type  = "Interface"
  subnet_ids         = [aws_subnet.a.id] # expect: MLC502 aws_vpc_endpoint.sagemaker_api line 89
  security_group_ids = [aws_security_group.model.id]
}

# network isolation left at the provider's default (false)
resource "aws_sagemaker_model" "main" { # expect: MLC405 aws_sagemaker_model.main line 94
  name               = "${local.name}-model"
  execution_role_arn = aws_iam_role.model.arn
  primary_container {
    image          = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    model_data_url = "s3://${local.bucket}/models/fraud/model.tar.gz" # expect: MLC305 aws_sagemaker_model.main line 99
  }
  vpc_config {
    security_group_ids = [aws_security_group.model.id]
    subnets            = [aws_subnet.a.id] # expect: MLC407 aws_sagemaker_model.main line 103 # expect: MLC502 aws_sagemaker_model.main line 103
  }
}

# one instance, no data capture; its key is one the execution role may not use
resource "aws_sagemaker_endpoint_configuration" "main" { # expect: MLC601 aws_sagemaker_endpoint_configuration.main line 108
  name        = "${local.name}-config"
  kms_key_arn = aws_kms_key.main.arn # expect: MLC203 aws_sagemaker_endpoint_configuration.main line 110
  production_variants {
    variant_name           = "AllTraffic"
    model_name             = aws_sagemaker_model.main.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 1 # expect: MLC501 aws_sagemaker_endpoint_configuration.main line 115
  }
}

resource "aws_cloudwatch_log_group" "endpoint" { # expect: MLC611 aws_cloudwatch_log_group.endpoint line 119 # expect: MLC612 aws_cloudwatch_log_group.endpoint line 119
  name = "/aws/sagemaker/Endpoints/${local.name}-endpoint"
}

resource "aws_sagemaker_endpoint" "main" { # expect: MLC602 aws_sagemaker_endpoint.main line 123
  name                 = "${local.name}-endpoint"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.main.name # expect: MLC503 aws_sagemaker_endpoint.main line 125
}

# an alarm that tells nobody
resource "aws_cloudwatch_metric_alarm" "server_errors" { # expect: MLC604 aws_cloudwatch_metric_alarm.server_errors line 129
  alarm_name          = "${local.name}-5xx"
  namespace           = "AWS/SageMaker"
  metric_name         = "Invocation5XXErrors"
  dimensions          = { EndpointName = aws_sagemaker_endpoint.main.name, VariantName = "AllTraffic" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
}

# a notebook left at the provider's defaults: direct internet access and root access Enabled, outside a VPC
# expect: MLC201 aws_sagemaker_notebook_instance.explore line 143 # expect: MLC401 aws_sagemaker_notebook_instance.explore line 143 # expect: MLC402 aws_sagemaker_notebook_instance.explore line 143 # expect: MLC403 aws_sagemaker_notebook_instance.explore line 143 # expect: MLC410 aws_sagemaker_notebook_instance.explore line 143
resource "aws_sagemaker_notebook_instance" "explore" {
  name          = "${local.name}-explore"
  role_arn      = aws_iam_role.model.arn
  instance_type = "ml.t3.medium"
}
