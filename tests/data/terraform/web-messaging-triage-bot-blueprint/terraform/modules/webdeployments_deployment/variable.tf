variable "flowId" {
  type        = string
  description = "Flow id to associate with widget"
}

variable "configId" {
  type        = string
  description = "Configuration id to associate with widget"
}

variable "configVer" {
  type        = string
  description = "Configuration version to associate with widget"
}