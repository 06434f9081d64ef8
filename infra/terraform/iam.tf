# IAM roles for service accounts (IRSA), least privilege: each Kubernetes service
# account of namespace `aivo` (infra/k8s/base/serviceaccounts.yaml) may assume only its
# own role, and each role reaches only the S3 prefixes its workload uses.
#   aivo-endpoint      read adapters/ and base-models/
#   aivo-mlflow        read/write mlflow/ (artifact proxy)
#   aivo-clone-runner  read/write baselines/, datasets/, adapters/; read base-models/
locals {
  oidc_issuer = replace(aws_iam_openid_connect_provider.eks.url, "https://", "")

  irsa = {
    endpoint = {
      service_account = "aivo-endpoint"
      read            = ["adapters/", "base-models/"]
      write           = []
    }
    mlflow = {
      service_account = "aivo-mlflow"
      read            = ["mlflow/"]
      write           = ["mlflow/"]
    }
    clone-runner = {
      service_account = "aivo-clone-runner"
      read            = ["baselines/", "datasets/", "adapters/", "base-models/"]
      write           = ["baselines/", "datasets/", "adapters/"]
    }
  }
}

data "aws_iam_policy_document" "irsa_assume" {
  for_each = local.irsa

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.eks.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:aivo:${each.value.service_account}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "irsa" {
  for_each = local.irsa

  statement {
    sid       = "ListOwnPrefixes"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.data.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [for p in distinct(concat(each.value.read, each.value.write)) : "${p}*"]
    }
  }

  statement {
    sid       = "ReadObjects"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = [for p in each.value.read : "${aws_s3_bucket.data.arn}/${p}*"]
  }

  dynamic "statement" {
    for_each = length(each.value.write) > 0 ? [1] : []
    content {
      sid       = "WriteObjects"
      actions   = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
      resources = [for p in each.value.write : "${aws_s3_bucket.data.arn}/${p}*"]
    }
  }

  statement {
    sid       = "UseDataKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [aws_kms_key.data.arn]
  }
}

resource "aws_iam_role" "irsa" {
  for_each           = local.irsa
  name               = "${local.name}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.irsa_assume[each.key].json
}

resource "aws_iam_role_policy" "irsa" {
  for_each = local.irsa
  name     = "s3-data-access"
  role     = aws_iam_role.irsa[each.key].id
  policy   = data.aws_iam_policy_document.irsa[each.key].json
}
