# A deploy written for routecheck's tests (issue 24): two sites' opening hours across
# the 2026 DST changes (Europe on 25 Oct, the US on 1 Nov), a lunch break, a holiday, a
# late-shift rule with BYDAY and an end date, an emergency group, a data table with rows
# and a data action with its contracts. Attribute names are the provider's
# (MyPureCloud/terraform-provider-genesyscloud docs/resources/*.md).

variable "site" {
  type    = string
  default = "paris"
}

locals {
  sites = {
    paris    = { zone = "Europe/Paris", group = "Paris Hours" }
    new_york = { zone = "America/New_York", group = "New York Hours" }
  }
}

resource "genesyscloud_routing_queue" "queues" {
  for_each = toset(["Billing", "VIP", "After Hours", "Holidays", "Emergency", "Late Shift"])
  name     = each.value
}

resource "genesyscloud_architect_schedules" "weekdays" {
  name  = "Weekdays 9-17"
  start = "2026-01-05T09:00:00.000000"
  end   = "2026-01-05T17:00:00.000000"
  rrule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
}

resource "genesyscloud_architect_schedules" "lunch" {
  name  = "Lunch"
  start = "2026-01-05T12:00:00.000000"
  end   = "2026-01-05T13:00:00.000000"
  rrule = "FREQ=DAILY"
}

resource "genesyscloud_architect_schedules" "christmas" {
  name  = "Christmas"
  start = "2026-12-25T00:00:00.000000"
  end   = "2026-12-26T00:00:00.000000"
  rrule = "FREQ=YEARLY"
}

# Tuesdays and Thursdays 18:00-21:00 until the end of November only.
resource "genesyscloud_architect_schedules" "late" {
  name  = "Late Shift"
  start = "2026-10-06T18:00:00.000000"
  end   = "2026-10-06T21:00:00.000000"
  rrule = "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261130T235959"
}

resource "genesyscloud_architect_schedulegroups" "sites" {
  for_each             = local.sites
  name                 = each.value.group
  time_zone            = each.value.zone
  open_schedules_id    = [genesyscloud_architect_schedules.weekdays.id]
  closed_schedules_id  = [genesyscloud_architect_schedules.lunch.id]
  holiday_schedules_id = [genesyscloud_architect_schedules.christmas.id]
}

resource "genesyscloud_architect_schedulegroups" "late" {
  name              = "Late Shift Hours"
  time_zone         = "Europe/Paris"
  open_schedules_id = [genesyscloud_architect_schedules.late.id]
}

resource "genesyscloud_architect_emergencygroup" "evacuation" {
  name    = "Evacuation"
  enabled = var.site == "evacuated"
}

resource "genesyscloud_architect_datatable" "vip" {
  name = "VIP Customers"
  properties {
    name  = "key"
    type  = "string"
    title = "Customer"
  }
  properties {
    name  = "tier"
    type  = "string"
    title = "Tier"
  }
  properties {
    name    = "callback"
    type    = "boolean"
    title   = "Callback"
    default = "false"
  }
}

resource "genesyscloud_architect_datatable_row" "ann" {
  datatable_id    = genesyscloud_architect_datatable.vip.id
  key_value       = "ann@example.com"
  properties_json = jsonencode({ tier = "gold", callback = true })
}

resource "genesyscloud_architect_datatable_row" "bob" {
  datatable_id    = genesyscloud_architect_datatable.vip.id
  key_value       = "bob@example.com"
  properties_json = jsonencode({ tier = "silver" })
}

resource "genesyscloud_integration_action" "order_status" {
  name            = "Order Status"
  category        = "Orders"
  integration_id  = "00000000-0000-0000-0000-000000000000"
  contract_input  = file("${path.module}/contracts/input.json")
  contract_output = file("${path.module}/contracts/output.json")
}

resource "genesyscloud_flow" "hours" {
  filepath = "${path.module}/flows/hours.yaml"
  substitutions = {
    flow_name       = "Opening Hours"
    schedule_group  = local.sites[var.site == "evacuated" ? "paris" : var.site].group
    emergency_group = genesyscloud_architect_emergencygroup.evacuation.name
    open_queue      = genesyscloud_routing_queue.queues["Billing"].name
  }
}
