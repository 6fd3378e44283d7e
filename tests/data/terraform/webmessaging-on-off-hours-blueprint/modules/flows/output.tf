output "flow_id" {
  value = "${genesyscloud_flow.webmessage_schedule_hours.id}"
}