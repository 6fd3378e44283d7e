# The two datatable module calls of darbyje/genesys_terrafrom_advanced_session's main.tf
# (commit 82cab2a), without their `depends_on = [module.auth_division]` (that module is
# not copied) and without the provider block; modules/architect_datatable/ is copied
# byte for byte. The flow below and its resource are written for routecheck's tests.
terraform {
  required_providers {
    genesyscloud = {
      source = "MyPureCloud/genesyscloud"
    }
  }
}

module "architect_datatable_home" {
  source    = "./modules/architect_datatable"
  division  = "Home"
  csv_files = ["datatable_sample.csv"]
}

module "architect_datatable_tfdivision" {
  source    = "./modules/architect_datatable"
  division  = "Terraform Division"
  csv_files = ["datatable_sample2.csv"]
}

resource "genesyscloud_flow" "lookup" {
  filepath = "${path.module}/flows/lookup.yaml"
  substitutions = {
    table = "datatable_sample"
  }
}
