locals {
  resource_name_prefix = "${var.environment}-${var.prefix}"
}