//! DescribeUserScramCredentials and AlterUserScramCredentials (KIP-554): SCRAM
//! credentials live in the metadata log, so every node authenticates every user.
//! Clients send salted passwords (they run PBKDF2); the broker keeps only the
//! stored and server keys derived from them. Validation follows Kafka's KRaft
//! controller, messages included.

use std::collections::{BTreeMap, HashMap};

use kafka_protocol::messages::alter_user_scram_credentials_response::AlterUserScramCredentialsResult;
use kafka_protocol::messages::describe_user_scram_credentials_response::{
    CredentialInfo, DescribeUserScramCredentialsResult,
};
use kafka_protocol::messages::*;

use crate::broker::{Broker, Session};
use crate::controller::records::ScramRecord;
use crate::protocol::error_code::ResponseError;
use crate::protocol::sb;
use crate::security::acl::Operation;
use crate::security::scram::{self, Mechanism};

pub fn describe(
    broker: &Broker,
    req: DescribeUserScramCredentialsRequest,
    session: &Session,
) -> DescribeUserScramCredentialsResponse {
    if !broker.allowed_on_cluster(session, Operation::Describe) {
        let code = ResponseError::ClusterAuthorizationFailed.code();
        return DescribeUserScramCredentialsResponse::default()
            .with_error_code(code)
            .with_results(
                req.users
                    .unwrap_or_default()
                    .iter()
                    .map(|u| {
                        DescribeUserScramCredentialsResult::default()
                            .with_user(u.name.clone())
                            .with_error_code(code)
                    })
                    .collect(),
            );
    }
    let image = broker.controller.image();
    // Null or empty: every user with a credential.
    let names: Vec<String> = match req.users {
        Some(users) if !users.is_empty() => users.iter().map(|u| u.name.to_string()).collect(),
        _ => image.scram.keys().cloned().collect(),
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for n in &names {
        *seen.entry(n.as_str()).or_default() += 1;
    }
    let mut done = std::collections::HashSet::new();
    let results = names
        .iter()
        .filter(|n| done.insert(n.as_str()))
        .map(|name| {
            let r = DescribeUserScramCredentialsResult::default().with_user(sb(name.clone()));
            if seen[name.as_str()] > 1 {
                return r
                    .with_error_code(ResponseError::DuplicateResource.code())
                    .with_error_message(Some(sb(format!(
                        "Cannot describe SCRAM credentials for the same user twice in a single request: {name}"
                    ))));
            }
            match image.scram.get(name) {
                Some(creds) => r.with_credential_infos(
                    creds
                        .iter()
                        .map(|(m, c)| {
                            CredentialInfo::default()
                                .with_mechanism(*m)
                                .with_iterations(c.iterations)
                        })
                        .collect(),
                ),
                None => r
                    .with_error_code(ResponseError::ResourceNotFound.code())
                    .with_error_message(Some(sb(format!(
                        "Attempt to describe a user credential that does not exist: {name}"
                    )))),
            }
        })
        .collect();
    DescribeUserScramCredentialsResponse::default().with_results(results)
}

pub async fn alter(
    broker: &Broker,
    req: AlterUserScramCredentialsRequest,
    session: &Session,
) -> AlterUserScramCredentialsResponse {
    let image = broker.controller.image();
    let cluster_denied = !broker.allowed_on_cluster(session, Operation::Alter);
    // One result per user, in the order users first appear.
    let mut order: Vec<String> = Vec::new();
    let mut count: HashMap<String, usize> = HashMap::new();
    let names = req
        .deletions
        .iter()
        .map(|d| d.name.to_string())
        .chain(req.upsertions.iter().map(|u| u.name.to_string()));
    for n in names {
        let c = count.entry(n.clone()).or_default();
        if *c == 0 {
            order.push(n);
        }
        *c += 1;
    }
    let mut failed: BTreeMap<String, (ResponseError, String)> = BTreeMap::new();
    let mut fail = |user: &str, code: ResponseError, msg: &str| {
        failed
            .entry(user.to_string())
            .or_insert((code, msg.to_string()));
    };
    for (user, n) in &count {
        if cluster_denied {
            fail(
                user,
                ResponseError::ClusterAuthorizationFailed,
                "Cluster authorization failed.",
            );
        }
        if *n > 1 {
            fail(
                user,
                ResponseError::DuplicateResource,
                "A user credential cannot be altered twice in the same request",
            );
        }
        if user.is_empty() {
            fail(
                user,
                ResponseError::UnacceptableCredential,
                "Username must not be empty",
            );
        }
    }
    let mut delete = Vec::new();
    for d in &req.deletions {
        let user = d.name.to_string();
        if Mechanism::from_code(d.mechanism).is_none() {
            fail(
                &user,
                ResponseError::UnsupportedSaslMechanism,
                "Unknown SCRAM mechanism",
            );
        } else if !image
            .scram
            .get(&user)
            .is_some_and(|m| m.contains_key(&d.mechanism))
        {
            fail(
                &user,
                ResponseError::ResourceNotFound,
                "Attempt to delete a user credential that does not exist",
            );
        }
        delete.push((user, d.mechanism));
    }
    let mut upsert = Vec::new();
    for u in &req.upsertions {
        let user = u.name.to_string();
        let Some(m) = Mechanism::from_code(u.mechanism) else {
            fail(
                &user,
                ResponseError::UnsupportedSaslMechanism,
                "Unknown SCRAM mechanism",
            );
            continue;
        };
        if u.iterations < scram::MIN_ITERATIONS {
            fail(
                &user,
                ResponseError::UnacceptableCredential,
                "Too few iterations",
            );
        } else if u.iterations > scram::MAX_ITERATIONS {
            fail(
                &user,
                ResponseError::UnacceptableCredential,
                "Too many iterations",
            );
        } else if u.salt.is_empty() || u.salted_password.is_empty() {
            fail(
                &user,
                ResponseError::UnacceptableCredential,
                "Salt and salted password must not be empty",
            );
        }
        let credential =
            scram::credential_from_salted(m, &u.salt, &u.salted_password, u.iterations);
        upsert.push(ScramRecord::new(&user, u.mechanism, &credential));
    }
    upsert.retain(|r| !failed.contains_key(&r.user));
    delete.retain(|(user, _)| !failed.contains_key(user));
    let committed = if upsert.is_empty() && delete.is_empty() {
        Ok(())
    } else {
        broker
            .controller
            .alter_scram(upsert, delete)
            .await
            .map(|_| ())
            .map_err(|e| (e.code(), e.to_string()))
    };
    let results = order
        .into_iter()
        .map(|user| {
            let r = AlterUserScramCredentialsResult::default().with_user(sb(user.clone()));
            match failed
                .get(&user)
                .cloned()
                .map(Err)
                .unwrap_or_else(|| committed.clone())
            {
                Ok(()) => r,
                Err((code, msg)) => r
                    .with_error_code(code.code())
                    .with_error_message(Some(sb(msg))),
            }
        })
        .collect();
    AlterUserScramCredentialsResponse::default().with_results(results)
}
