CREATE CHANGEFEED FOR TABLE employees, public.orders, payments
  INTO 'webhook-https://failback-host:30004/migration_db?ca_cert=LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrVENCK3dJSkFLSEhJRy9jYT4%2Bfn4%2FPwotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg%3D%3D&client_cert=LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJsaWVudCtjZXJ0Lz8%2Bfn4KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo%3D&client_key=LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1DNENBUUF3QlFZREsyVndCQ0lFSStrZXkvPz5%2BCi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0K'
  WITH updated,
       resolved = '250ms',
       min_checkpoint_frequency = '250ms',
       initial_scan = 'no',
       cursor = '1759246920563173000.0000000000',
       webhook_auth_header = 'Bearer s3cr3t-t0ken.abc',
       webhook_client_timeout = '30s',
       webhook_sink_config = '{"Flush":{"Bytes":1048576,"Frequency":"1s"}}'
