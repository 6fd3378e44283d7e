#Prod
client_id       = "your-client-id"
client_secret   = "your-client-secret"
email           = "your-email@company.com"