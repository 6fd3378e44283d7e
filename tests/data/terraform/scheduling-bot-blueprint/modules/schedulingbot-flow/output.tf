output "id" {
  value = genesyscloud_flow.bot_flow.id
}

output "name" {
  value = var.bot_name
}
