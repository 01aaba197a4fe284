# Vault server of docker-compose.vault.yml: one node, integrated (raft) storage on the vault-data
# volume, no TLS inside the compose network (put TLS in front, or set tls_cert_file/tls_key_file
# here, when Vault is reached from outside the host). For several nodes, add retry_join blocks.
storage "raft" {
  path    = "/vault/data"
  node_id = "vault-1"
}

listener "tcp" {
  address     = "0.0.0.0:8200"
  tls_disable = true
}

api_addr      = "http://vault:8200"
cluster_addr  = "http://vault:8201"
ui            = true
# mlock needs IPC_LOCK (granted in the compose file); raft storage recommends disabling it.
disable_mlock = true
