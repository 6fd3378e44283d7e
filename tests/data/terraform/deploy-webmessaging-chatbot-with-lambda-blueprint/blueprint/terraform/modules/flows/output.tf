output "flow_id" {
  value = "${genesyscloud_flow.deploy_archy_flow_chat.id}"
}