output "integration_data_action_category" {
  value = genesyscloud_integration_action.LambdaDataAction.category
}

output "integration_data_action_name" {
  value = genesyscloud_integration_action.LambdaDataAction.name
}
