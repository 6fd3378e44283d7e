
variable "data_action_category" {
  type        = string
  description = "The Data Action that is to be used in the Inbound Message Flow."
}

variable "data_action_name" {
  type        = string
  description = "The Data Action name that is to be used in the Inbound Message Flow."
}