//! DescribeConfigs for topics (every known config with its value and source) and
//! for this broker (the settings it was started with).

use kafka_protocol::messages::describe_configs_response::{
    DescribeConfigsResourceResult, DescribeConfigsResult,
};
use kafka_protocol::messages::{DescribeConfigsRequest, DescribeConfigsResponse};

use crate::broker::Broker;
use crate::controller::topic_config::TOPIC_CONFIGS;
use crate::protocol::error_code::ResponseError;
use crate::protocol::sb;

const RESOURCE_TOPIC: i8 = 2;
const RESOURCE_BROKER: i8 = 4;
// Config sources (DescribeConfigs v1+).
const SOURCE_TOPIC: i8 = 1;
const SOURCE_STATIC_BROKER: i8 = 4;
const SOURCE_DEFAULT: i8 = 5;

/// DescribeConfigs v3+ config types.
fn config_type(name: &str) -> i8 {
    match name {
        "unclean.leader.election.enable" => 1,
        "cleanup.policy" => 7,
        "compression.type" | "message.timestamp.type" => 2,
        "min.insync.replicas" | "max.message.bytes" | "segment.bytes" | "index.interval.bytes" => 3,
        _ => 5,
    }
}

fn entry(name: &str, value: &str, source: i8, version: i16) -> DescribeConfigsResourceResult {
    let e = DescribeConfigsResourceResult::default()
        .with_name(sb(name))
        .with_value(Some(sb(value)))
        .with_config_source(source);
    // config_type exists from v3 on.
    if version >= 3 {
        e.with_config_type(config_type(name))
    } else {
        e
    }
}

pub fn describe(
    broker: &Broker,
    version: i16,
    req: DescribeConfigsRequest,
) -> DescribeConfigsResponse {
    let image = broker.controller.image();
    let results = req
        .resources
        .into_iter()
        .map(|res| {
            let wanted = |name: &str| {
                res.configuration_keys
                    .as_ref()
                    .is_none_or(|keys| keys.iter().any(|k| k.as_str() == name))
            };
            let out = DescribeConfigsResult::default()
                .with_resource_type(res.resource_type)
                .with_resource_name(res.resource_name.clone());
            match res.resource_type {
                RESOURCE_TOPIC => match image.topic(res.resource_name.as_str()) {
                    None => out
                        .with_error_code(ResponseError::UnknownTopicOrPartition.code())
                        .with_error_message(Some(sb("Topic does not exist"))),
                    Some(t) => {
                        let configs = TOPIC_CONFIGS
                            .iter()
                            .filter(|(n, _)| wanted(n))
                            .map(|(n, default)| {
                                if let Some(v) = t.configs.get(*n) {
                                    entry(n, v, SOURCE_TOPIC, version)
                                } else if let Some(v) = broker.config.topic_defaults.get(*n) {
                                    entry(n, v, SOURCE_STATIC_BROKER, version)
                                } else {
                                    entry(n, default, SOURCE_DEFAULT, version)
                                }
                            })
                            .collect();
                        out.with_configs(configs)
                    }
                },
                RESOURCE_BROKER => {
                    let me = broker.config.node_id.to_string();
                    if !res.resource_name.is_empty() && res.resource_name.as_str() != me {
                        return out
                            .with_error_code(ResponseError::InvalidRequest.code())
                            .with_error_message(Some(sb("Unexpected broker id")));
                    }
                    let configs = broker
                        .config
                        .described
                        .iter()
                        .filter(|c| wanted(&c.name))
                        .map(|c| {
                            let source = if c.is_static {
                                SOURCE_STATIC_BROKER
                            } else {
                                SOURCE_DEFAULT
                            };
                            let e = DescribeConfigsResourceResult::default()
                                .with_name(sb(c.name.clone()))
                                .with_value(c.value.clone().map(sb))
                                .with_config_source(source);
                            if version >= 3 {
                                e.with_config_type(c.config_type)
                            } else {
                                e
                            }
                        })
                        .collect();
                    out.with_configs(configs)
                }
                _ => out
                    .with_error_code(ResponseError::InvalidRequest.code())
                    .with_error_message(Some(sb("Unsupported resource type"))),
            }
        })
        .collect();
    DescribeConfigsResponse::default().with_results(results)
}
