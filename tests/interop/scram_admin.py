"""confluent-kafka's AdminClient against kw's SCRAM credentials (KIP-554): as
ADMIN, upsert USER's SCRAM-SHA-256 credential, then describe it. Prints
"USER MECHANISM iterations N".

usage: scram_admin.py BOOTSTRAP CA ADMIN ADMIN_PASSWORD USER PASSWORD
"""
import sys

from confluent_kafka.admin import (AdminClient, ScramCredentialInfo, ScramMechanism,
                                   UserScramCredentialUpsertion)

bootstrap, ca, admin, admin_password, user, password = sys.argv[1:7]
a = AdminClient({
    "bootstrap.servers": bootstrap,
    "security.protocol": "SASL_SSL",
    "ssl.ca.location": ca,
    "sasl.mechanism": "SCRAM-SHA-512",
    "sasl.username": admin,
    "sasl.password": admin_password,
})
upsert = UserScramCredentialUpsertion(
    user, ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), password.encode())
for u, f in a.alter_user_scram_credentials([upsert]).items():
    f.result(30)
futures = a.describe_user_scram_credentials([user])
for u, f in futures.items():
    d = f.result(30)
    for info in d.scram_credential_infos:
        print(f"{u} {info.mechanism.name.replace('_', '-')} iterations {info.iterations}", flush=True)
