output "name" {
  value = var.web_deployment_name
}
