
variable "integration_category" {
  type        = string
  description = "Name of the integration category for the data action being consumed by flows"
}

variable "integration_data_action_name" {
  type        = string
  description = "Name of the integration category action for the data action being consumed by flows"
}
