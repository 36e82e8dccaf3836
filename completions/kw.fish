# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kw_global_optspecs
    string join \n b/bootstrap-server= X= F= v/verbose h/help V/version
end

function __fish_kw_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kw_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kw_using_subcommand
    set -l cmd (__fish_kw_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kw -n "__fish_kw_needs_command" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_needs_command" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_needs_command" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_needs_command" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_needs_command" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_needs_command" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_needs_command" -f -a "serve" -d 'Run a broker node'
complete -c kw -n "__fish_kw_needs_command" -f -a "topics" -d 'Create, delete, list and describe topics'
complete -c kw -n "__fish_kw_needs_command" -f -a "produce" -d 'Produce messages from stdin or files (like kcat -P)'
complete -c kw -n "__fish_kw_needs_command" -f -a "consume" -d 'Consume messages (like kcat -C)'
complete -c kw -n "__fish_kw_needs_command" -f -a "metadata" -d 'Show brokers, topics and partitions (like kcat -L)'
complete -c kw -n "__fish_kw_needs_command" -f -a "groups" -d 'List, describe, delete consumer groups and reset their offsets'
complete -c kw -n "__fish_kw_needs_command" -f -a "simulate-sales" -d 'Stream the workshop\'s sales data (products, purchases, restocks)'
complete -c kw -n "__fish_kw_needs_command" -f -a "transactions" -d 'List and describe transactions and a partition\'s producers (like kafka-transactions)'
complete -c kw -n "__fish_kw_needs_command" -f -a "acls" -d 'Add, list and remove ACLs (like kafka-acls)'
complete -c kw -n "__fish_kw_needs_command" -f -a "users" -d 'Add, delete and list users\' SCRAM credentials (like kafka-configs --entity-type users)'
complete -c kw -n "__fish_kw_needs_command" -f -a "cluster" -d 'Run a local cluster in the background (up, status, stop, start, down)'
complete -c kw -n "__fish_kw_needs_command" -f -a "console" -d 'Serve the web console for a cluster (topics, groups, brokers, timeline)'
complete -c kw -n "__fish_kw_needs_command" -f -a "generate" -d 'Write shell completions or man pages (for packagers)'
complete -c kw -n "__fish_kw_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand serve" -l node -d 'Node id, making this node a member of a cluster. Without --voters, node N of the local three-node cluster listens on 127.0.0.1:(9091+N) for clients and 127.0.0.1:(19091+N) for the metadata quorum. Without --node, kw serve runs alone' -r
complete -c kw -n "__fish_kw_using_subcommand serve" -l voters -d 'The metadata quorum: every voter as ID@HOST:PORT, comma-separated (their internal quorum addresses) [default: 1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094]' -r
complete -c kw -n "__fish_kw_using_subcommand serve" -l listen -d 'Address to listen on for clients [default: 127.0.0.1:(9091+node)]' -r
complete -c kw -n "__fish_kw_using_subcommand serve" -l advertise -d 'Address clients are told to connect to [default: the listen address]' -r
complete -c kw -n "__fish_kw_using_subcommand serve" -l data-dir -d 'Data directory [default: ./kw-data/node-N]' -r -F
complete -c kw -n "__fish_kw_using_subcommand serve" -l config -d 'Broker setting by its Kafka name, e.g. --config num.partitions=6 (repeatable; `kw serve --help` lists every one with its default and range)' -r
complete -c kw -n "__fish_kw_using_subcommand serve" -l config-file -d 'Broker settings from a Java properties file, as Kafka\'s server.properties (--config wins); keeps secrets such as ssl.keystore.key off the command line' -r -F
complete -c kw -n "__fish_kw_using_subcommand serve" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand serve" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand serve" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand serve" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kw -n "__fish_kw_using_subcommand serve" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -f -a "create" -d 'Create a topic'
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -f -a "delete" -d 'Delete a topic and its data'
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -f -a "list" -d 'List topic names, sorted'
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -f -a "describe" -d 'Show partitions, leaders, replicas and in-sync replicas'
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -f -a "delete-records" -d 'Delete records before an offset (kafka-delete-records): the log start moves up'
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -f -a "alter" -d 'Add partitions, or set and delete topic configs'
complete -c kw -n "__fish_kw_using_subcommand topics; and not __fish_seen_subcommand_from create delete list describe delete-records alter help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from create" -s p -l partitions -d 'Number of partitions [default: the broker\'s num.partitions]' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from create" -s r -l replication-factor -d 'Replicas per partition [default: the broker\'s default.replication.factor]' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from create" -l config -d 'Topic config by its Kafka name, e.g. --config retention.ms=60000 (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from create" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from create" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from create" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from create" -l if-not-exists -d 'Succeed quietly if the topic exists'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete" -l if-exists -d 'Succeed quietly if the topic does not exist'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from list" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from list" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from list" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from list" -l exclude-internal -d 'Leave out internal topics such as __consumer_offsets'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from describe" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from describe" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from describe" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from describe" -l exclude-internal
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from describe" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from describe" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete-records" -s p -l partition -d 'Only this partition [default: every partition]' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete-records" -l offset -d 'New log start offset (-1: the high watermark, i.e. everything written)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete-records" -l offset-json-file -d 'kafka-delete-records\' JSON: {"partitions":[{"topic":"t","partition":0,"offset":3}],"version":1}' -r -F
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete-records" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete-records" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete-records" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete-records" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete-records" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from delete-records" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from alter" -s p -l partitions -d 'Grow the topic to this many partitions' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from alter" -l config -d 'Set a topic config by its Kafka name (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from alter" -l delete-config -d 'Remove a topic config override, back to the broker\'s default (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from alter" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from alter" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from alter" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from alter" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from alter" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from alter" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a topic'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a topic and its data'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "list" -d 'List topic names, sorted'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Show partitions, leaders, replicas and in-sync replicas'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "delete-records" -d 'Delete records before an offset (kafka-delete-records): the log start moves up'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "alter" -d 'Add partitions, or set and delete topic configs'
complete -c kw -n "__fish_kw_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand produce" -s t -l topic -d 'Topic to produce to' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -s p -l partition -d 'Partition [default: the partitioner picks]' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -s D -l delimiter -d 'Message delimiter (escapes: \\n \\t \\xHH)' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -s K -l key-delimiter -d 'Key delimiter: split each record at its first occurrence into key and value' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -s k -l key -d 'Fixed key for messages without one' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -s H -l header -d 'Header name=value for every message (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -s z -l compression -d 'Compression codec: none, gzip, snappy, lz4, zstd' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -s c -l count -d 'Stop after this many messages' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -l txn-size -d 'With -X transactional.id: commit a transaction every N messages [default: one transaction per input file, or for all of stdin]' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand produce" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand produce" -s l -l line-mode -d 'Read the single FILE argument as delimited records (like stdin)'
complete -c kw -n "__fish_kw_using_subcommand produce" -s Z -l null-empty -d 'With -K: empty key or value parts become NULL'
complete -c kw -n "__fish_kw_using_subcommand produce" -s q -l quiet -d 'No informational output'
complete -c kw -n "__fish_kw_using_subcommand produce" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand produce" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand produce" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand consume" -s t -l topic -d 'Topic to read (without -G)' -r
complete -c kw -n "__fish_kw_using_subcommand consume" -s G -l group -d 'Join this consumer group and read the TOPICS given as arguments (kcat -G)' -r
complete -c kw -n "__fish_kw_using_subcommand consume" -s p -l partition -d 'Only this partition (repeatable) [default: all]' -r
complete -c kw -n "__fish_kw_using_subcommand consume" -s o -l offset -d 'Start: beginning, end, stored, N, -N (N before the end), s@MS (first at or after a time); e@MS stops at a time' -r
complete -c kw -n "__fish_kw_using_subcommand consume" -s c -l count -d 'Exit after this many messages' -r
complete -c kw -n "__fish_kw_using_subcommand consume" -s f -l format -d 'Output format (kcat -f tokens)' -r
complete -c kw -n "__fish_kw_using_subcommand consume" -s D -l delimiter -d 'Message delimiter for the default format' -r
complete -c kw -n "__fish_kw_using_subcommand consume" -s K -l key-delimiter -d 'Key delimiter: print key, this, then value' -r
complete -c kw -n "__fish_kw_using_subcommand consume" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand consume" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand consume" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand consume" -s e -l exit -d 'Exit when the end of every partition is reached'
complete -c kw -n "__fish_kw_using_subcommand consume" -s J -l json -d 'One JSON object per message (kcat -J envelope)'
complete -c kw -n "__fish_kw_using_subcommand consume" -s Z -l null-empty -d 'Print NULL for null (or empty) keys and values'
complete -c kw -n "__fish_kw_using_subcommand consume" -s u -l unbuffered -d 'Flush stdout after every message'
complete -c kw -n "__fish_kw_using_subcommand consume" -s q -l quiet -d 'No informational lines on stderr'
complete -c kw -n "__fish_kw_using_subcommand consume" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand consume" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand consume" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand metadata" -s t -l topic -d 'Only this topic' -r
complete -c kw -n "__fish_kw_using_subcommand metadata" -s o -l output -d 'Output format (`json` is the same as -J)' -r -f -a "text\t''
json\t''"
complete -c kw -n "__fish_kw_using_subcommand metadata" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand metadata" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand metadata" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand metadata" -s J -l json -d 'JSON output (as kcat -L -J)'
complete -c kw -n "__fish_kw_using_subcommand metadata" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand metadata" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand metadata" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -f -a "list" -d 'List group ids (with --state: a table with each group\'s state)'
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -f -a "describe" -d 'Offsets and lag per partition (default), members (--members) or state (--state)'
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -f -a "delete" -d 'Delete an empty group and its committed offsets'
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -f -a "delete-offsets" -d 'Delete a group\'s committed offsets of a topic (kafka-consumer-groups --delete-offsets)'
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -f -a "reset-offsets" -d 'Move an inactive group\'s committed offsets (dry run unless --execute)'
complete -c kw -n "__fish_kw_using_subcommand groups; and not __fish_seen_subcommand_from list describe delete delete-offsets reset-offsets help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from list" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from list" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from list" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from list" -l state
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format (json carries members, assignments and offsets at once)' -r -f -a "text\t''
json\t''"
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from describe" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from describe" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from describe" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from describe" -l members
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from describe" -l state
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from describe" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from describe" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete-offsets" -l topic -d 'TOPIC or TOPIC:P,P,... (repeatable) [default partitions: all]' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete-offsets" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete-offsets" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete-offsets" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete-offsets" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete-offsets" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from delete-offsets" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -l topic -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -l to-offset -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -l to-earliest
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -l to-latest
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -l execute -d 'Commit the new offsets (without it, only show them)'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from reset-offsets" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "list" -d 'List group ids (with --state: a table with each group\'s state)'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Offsets and lag per partition (default), members (--members) or state (--state)'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an empty group and its committed offsets'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "delete-offsets" -d 'Delete a group\'s committed offsets of a topic (kafka-consumer-groups --delete-offsets)'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "reset-offsets" -d 'Move an inactive group\'s committed offsets (dry run unless --execute)'
complete -c kw -n "__fish_kw_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l transactions -d 'Number of transactions (1-3 purchase line items each)' -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l min-delay -d 'Minimum pause between transactions, in seconds' -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l max-delay -d 'Maximum pause between transactions, in seconds' -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l rate -d 'Transactions per second instead of the pauses; 0 = as fast as possible' -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l duration -d 'Stop after this many seconds' -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l seed -d 'Seed for a reproducible stream (same messages apart from timestamps)' -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l partitions -d 'Partitions for --create-topics' -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l replication-factor -d 'Replication factor for --create-topics [default: the broker\'s default]' -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l topic-products -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l topic-purchases -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l topic-inventories -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l catalog -d 'Product catalog CSV in the original\'s layout [default: the built-in one]' -r -F
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l max -d 'As fast as possible (same as --rate 0)'
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l create-topics -d 'Create the three topics if they are missing'
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -l dry-run -d 'Print the messages (topic key:value) instead of producing them'
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -s q -l quiet -d 'No progress output'
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand simulate-sales" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand transactions; and not __fish_seen_subcommand_from list describe describe-producers help" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and not __fish_seen_subcommand_from list describe describe-producers help" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and not __fish_seen_subcommand_from list describe describe-producers help" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand transactions; and not __fish_seen_subcommand_from list describe describe-producers help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand transactions; and not __fish_seen_subcommand_from list describe describe-producers help" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand transactions; and not __fish_seen_subcommand_from list describe describe-producers help" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand transactions; and not __fish_seen_subcommand_from list describe describe-producers help" -f -a "list" -d 'Every transactional id, its coordinator, producer id and state'
complete -c kw -n "__fish_kw_using_subcommand transactions; and not __fish_seen_subcommand_from list describe describe-producers help" -f -a "describe" -d 'One transactional id: producer, epoch, state, timeout, open transaction'
complete -c kw -n "__fish_kw_using_subcommand transactions; and not __fish_seen_subcommand_from list describe describe-producers help" -f -a "describe-producers" -d 'The producers a partition\'s leader knows, with their open transactions'
complete -c kw -n "__fish_kw_using_subcommand transactions; and not __fish_seen_subcommand_from list describe describe-producers help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from list" -l state -d 'Only transactions in this state (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort; repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from list" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from list" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from list" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe" -l transactional-id -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe-producers" -l topic -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe-producers" -l partition -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe-producers" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe-producers" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe-producers" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe-producers" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe-producers" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from describe-producers" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every transactional id, its coordinator, producer id and state'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from help" -f -a "describe" -d 'One transactional id: producer, epoch, state, timeout, open transaction'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from help" -f -a "describe-producers" -d 'The producers a partition\'s leader knows, with their open transactions'
complete -c kw -n "__fish_kw_using_subcommand transactions; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand acls; and not __fish_seen_subcommand_from add list remove help" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and not __fish_seen_subcommand_from add list remove help" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and not __fish_seen_subcommand_from add list remove help" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand acls; and not __fish_seen_subcommand_from add list remove help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand acls; and not __fish_seen_subcommand_from add list remove help" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand acls; and not __fish_seen_subcommand_from add list remove help" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand acls; and not __fish_seen_subcommand_from add list remove help" -f -a "add" -d 'Add ACLs (kafka-acls --add)'
complete -c kw -n "__fish_kw_using_subcommand acls; and not __fish_seen_subcommand_from add list remove help" -f -a "list" -d 'List ACLs, per resource (kafka-acls --list)'
complete -c kw -n "__fish_kw_using_subcommand acls; and not __fish_seen_subcommand_from add list remove help" -f -a "remove" -d 'Remove ACLs (kafka-acls --remove); asks first unless --force'
complete -c kw -n "__fish_kw_using_subcommand acls; and not __fish_seen_subcommand_from add list remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l topic -d 'Topic (repeatable; \'*\' for every topic)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l group -d 'Consumer group (repeatable; \'*\' for every group)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l transactional-id -d 'Transactional id (repeatable; \'*\' for every one)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l resource-pattern-type -d 'literal or prefixed for add; also any or match for list and remove' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l allow-principal -d 'Principal to allow, Type:name (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l deny-principal -d 'Principal to deny, Type:name (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l allow-host -d 'Host the allow entries apply to [default: *]' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l deny-host -d 'Host the deny entries apply to [default: *]' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l operation -d 'Operation (repeatable): Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l principal -d 'Only entries of this principal (list)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l cluster -d 'The cluster resource'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l producer -d 'Producer ACLs: WRITE, DESCRIBE and CREATE on the topics (and WRITE, DESCRIBE on the transactional ids; IDEMPOTENT_WRITE on the cluster with --idempotent)'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l idempotent -d 'With --producer: IDEMPOTENT_WRITE on the cluster'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l consumer -d 'Consumer ACLs: READ and DESCRIBE on the topics, READ on the groups'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -l force -d 'Remove without asking'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l topic -d 'Topic (repeatable; \'*\' for every topic)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l group -d 'Consumer group (repeatable; \'*\' for every group)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l transactional-id -d 'Transactional id (repeatable; \'*\' for every one)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l resource-pattern-type -d 'literal or prefixed for add; also any or match for list and remove' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l allow-principal -d 'Principal to allow, Type:name (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l deny-principal -d 'Principal to deny, Type:name (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l allow-host -d 'Host the allow entries apply to [default: *]' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l deny-host -d 'Host the deny entries apply to [default: *]' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l operation -d 'Operation (repeatable): Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l principal -d 'Only entries of this principal (list)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l cluster -d 'The cluster resource'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l producer -d 'Producer ACLs: WRITE, DESCRIBE and CREATE on the topics (and WRITE, DESCRIBE on the transactional ids; IDEMPOTENT_WRITE on the cluster with --idempotent)'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l idempotent -d 'With --producer: IDEMPOTENT_WRITE on the cluster'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l consumer -d 'Consumer ACLs: READ and DESCRIBE on the topics, READ on the groups'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -l force -d 'Remove without asking'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l topic -d 'Topic (repeatable; \'*\' for every topic)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l group -d 'Consumer group (repeatable; \'*\' for every group)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l transactional-id -d 'Transactional id (repeatable; \'*\' for every one)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l resource-pattern-type -d 'literal or prefixed for add; also any or match for list and remove' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l allow-principal -d 'Principal to allow, Type:name (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l deny-principal -d 'Principal to deny, Type:name (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l allow-host -d 'Host the allow entries apply to [default: *]' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l deny-host -d 'Host the deny entries apply to [default: *]' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l operation -d 'Operation (repeatable): Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l principal -d 'Only entries of this principal (list)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l cluster -d 'The cluster resource'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l producer -d 'Producer ACLs: WRITE, DESCRIBE and CREATE on the topics (and WRITE, DESCRIBE on the transactional ids; IDEMPOTENT_WRITE on the cluster with --idempotent)'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l idempotent -d 'With --producer: IDEMPOTENT_WRITE on the cluster'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l consumer -d 'Consumer ACLs: READ and DESCRIBE on the topics, READ on the groups'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -l force -d 'Remove without asking'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add ACLs (kafka-acls --add)'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from help" -f -a "list" -d 'List ACLs, per resource (kafka-acls --list)'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove ACLs (kafka-acls --remove); asks first unless --force'
complete -c kw -n "__fish_kw_using_subcommand acls; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand users; and not __fish_seen_subcommand_from add delete list help" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand users; and not __fish_seen_subcommand_from add delete list help" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand users; and not __fish_seen_subcommand_from add delete list help" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand users; and not __fish_seen_subcommand_from add delete list help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand users; and not __fish_seen_subcommand_from add delete list help" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand users; and not __fish_seen_subcommand_from add delete list help" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand users; and not __fish_seen_subcommand_from add delete list help" -f -a "add" -d 'Set a user\'s SCRAM password (creates the user); the password is read from stdin (first line) or --password-file'
complete -c kw -n "__fish_kw_using_subcommand users; and not __fish_seen_subcommand_from add delete list help" -f -a "delete" -d 'Delete a user\'s SCRAM credentials (every mechanism unless --mechanism)'
complete -c kw -n "__fish_kw_using_subcommand users; and not __fish_seen_subcommand_from add delete list help" -f -a "list" -d 'Users with SCRAM credentials, as kafka-configs --describe prints them'
complete -c kw -n "__fish_kw_using_subcommand users; and not __fish_seen_subcommand_from add delete list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from add" -l mechanism -d 'SCRAM-SHA-256 or SCRAM-SHA-512 (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from add" -l iterations -r
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from add" -l password-file -d 'Read the password from the first line of FILE' -r -F
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from add" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from add" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from add" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from delete" -l mechanism -r
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from delete" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from delete" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from delete" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from list" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from list" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from list" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "add" -d 'Set a user\'s SCRAM password (creates the user); the password is read from stdin (first line) or --password-file'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a user\'s SCRAM credentials (every mechanism unless --mechanism)'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "list" -d 'Users with SCRAM credentials, as kafka-configs --describe prints them'
complete -c kw -n "__fish_kw_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -l data-dir -d 'Directory holding node-1, node-2, ...' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -l base-port -d 'Client port of node 1; node N listens on BASE_PORT+N-1' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -f -a "up" -d 'Start the nodes in the background and wait until they serve'
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -f -a "status" -d 'Show each node: up or down, pid, address, partitions it leads'
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -f -a "stop" -d 'Stop one node (SIGTERM, or SIGKILL with --kill), like `docker stop kafka-2`'
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -f -a "start" -d 'Start one stopped node again, like `docker start kafka-2`'
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -f -a "down" -d 'Stop every node (and delete the data with --purge)'
complete -c kw -n "__fish_kw_using_subcommand cluster; and not __fish_seen_subcommand_from up status stop start down help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -l nodes -d 'Number of nodes (the workshop\'s three by default)' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -l config -d 'Broker setting for every node, e.g. --config num.partitions=6 (repeatable)' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -l console-listen -d 'Where the console listens [default: 127.0.0.1:(BASE_PORT-1012), 8080 for 9092]' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -l data-dir -d 'Directory holding node-1, node-2, ...' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -l base-port -d 'Client port of node 1; node N listens on BASE_PORT+N-1' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -l no-console -d 'Do not start the web console'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from up" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from status" -l data-dir -d 'Directory holding node-1, node-2, ...' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from status" -l base-port -d 'Client port of node 1; node N listens on BASE_PORT+N-1' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from status" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from status" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from status" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from stop" -l data-dir -d 'Directory holding node-1, node-2, ...' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from stop" -l base-port -d 'Client port of node 1; node N listens on BASE_PORT+N-1' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from stop" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from stop" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from stop" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from stop" -l kill
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from stop" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from start" -l data-dir -d 'Directory holding node-1, node-2, ...' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from start" -l base-port -d 'Client port of node 1; node N listens on BASE_PORT+N-1' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from start" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from start" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from start" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from start" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from start" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from down" -l data-dir -d 'Directory holding node-1, node-2, ...' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from down" -l base-port -d 'Client port of node 1; node N listens on BASE_PORT+N-1' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from down" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from down" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from down" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from down" -l purge
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from down" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from down" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "up" -d 'Start the nodes in the background and wait until they serve'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show each node: up or down, pid, address, partitions it leads'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop one node (SIGTERM, or SIGKILL with --kill), like `docker stop kafka-2`'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start one stopped node again, like `docker start kafka-2`'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "down" -d 'Stop every node (and delete the data with --purge)'
complete -c kw -n "__fish_kw_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand console" -l listen -d 'Address to serve the console on' -r
complete -c kw -n "__fish_kw_using_subcommand console" -l refresh-ms -d 'How often the console takes a snapshot of the cluster and open pages update' -r
complete -c kw -n "__fish_kw_using_subcommand console" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand console" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand console" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand console" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand console" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand console" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand generate" -s b -l bootstrap-server -d 'Bootstrap broker(s), host:port[,host:port...]' -r
complete -c kw -n "__fish_kw_using_subcommand generate" -s X -d 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)' -r
complete -c kw -n "__fish_kw_using_subcommand generate" -s F -d 'Client properties from FILE, one property=value per line (kcat\'s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]' -r -F
complete -c kw -n "__fish_kw_using_subcommand generate" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set'
complete -c kw -n "__fish_kw_using_subcommand generate" -s h -l help -d 'Print help'
complete -c kw -n "__fish_kw_using_subcommand generate" -s V -l version -d 'Print version'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "serve" -d 'Run a broker node'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "topics" -d 'Create, delete, list and describe topics'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "produce" -d 'Produce messages from stdin or files (like kcat -P)'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "consume" -d 'Consume messages (like kcat -C)'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "metadata" -d 'Show brokers, topics and partitions (like kcat -L)'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "groups" -d 'List, describe, delete consumer groups and reset their offsets'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "simulate-sales" -d 'Stream the workshop\'s sales data (products, purchases, restocks)'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "transactions" -d 'List and describe transactions and a partition\'s producers (like kafka-transactions)'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "acls" -d 'Add, list and remove ACLs (like kafka-acls)'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "users" -d 'Add, delete and list users\' SCRAM credentials (like kafka-configs --entity-type users)'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "cluster" -d 'Run a local cluster in the background (up, status, stop, start, down)'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "console" -d 'Serve the web console for a cluster (topics, groups, brokers, timeline)'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "generate" -d 'Write shell completions or man pages (for packagers)'
complete -c kw -n "__fish_kw_using_subcommand help; and not __fish_seen_subcommand_from serve topics produce consume metadata groups simulate-sales transactions acls users cluster console generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "create" -d 'Create a topic'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "delete" -d 'Delete a topic and its data'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "list" -d 'List topic names, sorted'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "describe" -d 'Show partitions, leaders, replicas and in-sync replicas'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "delete-records" -d 'Delete records before an offset (kafka-delete-records): the log start moves up'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "alter" -d 'Add partitions, or set and delete topic configs'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "list" -d 'List group ids (with --state: a table with each group\'s state)'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "describe" -d 'Offsets and lag per partition (default), members (--members) or state (--state)'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "delete" -d 'Delete an empty group and its committed offsets'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "delete-offsets" -d 'Delete a group\'s committed offsets of a topic (kafka-consumer-groups --delete-offsets)'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "reset-offsets" -d 'Move an inactive group\'s committed offsets (dry run unless --execute)'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from transactions" -f -a "list" -d 'Every transactional id, its coordinator, producer id and state'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from transactions" -f -a "describe" -d 'One transactional id: producer, epoch, state, timeout, open transaction'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from transactions" -f -a "describe-producers" -d 'The producers a partition\'s leader knows, with their open transactions'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from acls" -f -a "add" -d 'Add ACLs (kafka-acls --add)'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from acls" -f -a "list" -d 'List ACLs, per resource (kafka-acls --list)'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from acls" -f -a "remove" -d 'Remove ACLs (kafka-acls --remove); asks first unless --force'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "add" -d 'Set a user\'s SCRAM password (creates the user); the password is read from stdin (first line) or --password-file'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "delete" -d 'Delete a user\'s SCRAM credentials (every mechanism unless --mechanism)'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "list" -d 'Users with SCRAM credentials, as kafka-configs --describe prints them'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "up" -d 'Start the nodes in the background and wait until they serve'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "status" -d 'Show each node: up or down, pid, address, partitions it leads'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "stop" -d 'Stop one node (SIGTERM, or SIGKILL with --kill), like `docker stop kafka-2`'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "start" -d 'Start one stopped node again, like `docker start kafka-2`'
complete -c kw -n "__fish_kw_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "down" -d 'Stop every node (and delete the data with --purge)'
