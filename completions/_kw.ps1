
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kw' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kw'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kw' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a broker node')
            [CompletionResult]::new('topics', 'topics', [CompletionResultType]::ParameterValue, 'Create, delete, list and describe topics')
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Produce messages from stdin or files (like kcat -P)')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume messages (like kcat -C)')
            [CompletionResult]::new('metadata', 'metadata', [CompletionResultType]::ParameterValue, 'Show brokers, topics and partitions (like kcat -L)')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'List, describe, delete consumer groups and reset their offsets')
            [CompletionResult]::new('simulate-sales', 'simulate-sales', [CompletionResultType]::ParameterValue, 'Stream the workshop''s sales data (products, purchases, restocks)')
            [CompletionResult]::new('transactions', 'transactions', [CompletionResultType]::ParameterValue, 'List and describe transactions and a partition''s producers (like kafka-transactions)')
            [CompletionResult]::new('acls', 'acls', [CompletionResultType]::ParameterValue, 'Add, list and remove ACLs (like kafka-acls)')
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'Add, delete and list users'' SCRAM credentials (like kafka-configs --entity-type users)')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Run a local cluster in the background (up, status, stop, start, down)')
            [CompletionResult]::new('console', 'console', [CompletionResultType]::ParameterValue, 'Serve the web console for a cluster (topics, groups, brokers, timeline)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or man pages (for packagers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;serve' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Node id, making this node a member of a cluster. Without --voters, node N of the local three-node cluster listens on 127.0.0.1:(9091+N) for clients and 127.0.0.1:(19091+N) for the metadata quorum. Without --node, kw serve runs alone')
            [CompletionResult]::new('--voters', '--voters', [CompletionResultType]::ParameterName, 'The metadata quorum: every voter as ID@HOST:PORT, comma-separated (their internal quorum addresses) [default: 1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094]')
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on for clients [default: 127.0.0.1:(9091+node)]')
            [CompletionResult]::new('--advertise', '--advertise', [CompletionResultType]::ParameterName, 'Address clients are told to connect to [default: the listen address]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: ./kw-data/node-N]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Broker setting by its Kafka name, e.g. --config num.partitions=6 (repeatable; `kw serve --help` lists every one with its default and range)')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'Broker settings from a Java properties file, as Kafka''s server.properties (--config wins); keeps secrets such as ssl.keystore.key off the command line')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;topics' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a topic')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a topic and its data')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List topic names, sorted')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show partitions, leaders, replicas and in-sync replicas')
            [CompletionResult]::new('delete-records', 'delete-records', [CompletionResultType]::ParameterValue, 'Delete records before an offset (kafka-delete-records): the log start moves up')
            [CompletionResult]::new('alter', 'alter', [CompletionResultType]::ParameterValue, 'Add partitions, or set and delete topic configs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;topics;create' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Number of partitions [default: the broker''s num.partitions]')
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Number of partitions [default: the broker''s num.partitions]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Replicas per partition [default: the broker''s default.replication.factor]')
            [CompletionResult]::new('--replication-factor', '--replication-factor', [CompletionResultType]::ParameterName, 'Replicas per partition [default: the broker''s default.replication.factor]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Topic config by its Kafka name, e.g. --config retention.ms=60000 (repeatable)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--if-not-exists', '--if-not-exists', [CompletionResultType]::ParameterName, 'Succeed quietly if the topic exists')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;topics;delete' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--if-exists', '--if-exists', [CompletionResultType]::ParameterName, 'Succeed quietly if the topic does not exist')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;topics;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--exclude-internal', '--exclude-internal', [CompletionResultType]::ParameterName, 'Leave out internal topics such as __consumer_offsets')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;topics;describe' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--exclude-internal', '--exclude-internal', [CompletionResultType]::ParameterName, 'exclude-internal')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;topics;delete-records' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this partition [default: every partition]')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Only this partition [default: every partition]')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'New log start offset (-1: the high watermark, i.e. everything written)')
            [CompletionResult]::new('--offset-json-file', '--offset-json-file', [CompletionResultType]::ParameterName, 'kafka-delete-records'' JSON: {"partitions":[{"topic":"t","partition":0,"offset":3}],"version":1}')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;topics;alter' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Grow the topic to this many partitions')
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Grow the topic to this many partitions')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a topic config by its Kafka name (repeatable)')
            [CompletionResult]::new('--delete-config', '--delete-config', [CompletionResultType]::ParameterName, 'Remove a topic config override, back to the broker''s default (repeatable)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;topics;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a topic')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a topic and its data')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List topic names, sorted')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show partitions, leaders, replicas and in-sync replicas')
            [CompletionResult]::new('delete-records', 'delete-records', [CompletionResultType]::ParameterValue, 'Delete records before an offset (kafka-delete-records): the log start moves up')
            [CompletionResult]::new('alter', 'alter', [CompletionResultType]::ParameterValue, 'Add partitions, or set and delete topic configs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;topics;help;create' {
            break
        }
        'kw;topics;help;delete' {
            break
        }
        'kw;topics;help;list' {
            break
        }
        'kw;topics;help;describe' {
            break
        }
        'kw;topics;help;delete-records' {
            break
        }
        'kw;topics;help;alter' {
            break
        }
        'kw;topics;help;help' {
            break
        }
        'kw;produce' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic to produce to')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic to produce to')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Partition [default: the partitioner picks]')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Partition [default: the partitioner picks]')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Message delimiter (escapes: \n \t \xHH)')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Message delimiter (escapes: \n \t \xHH)')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'Key delimiter: split each record at its first occurrence into key and value')
            [CompletionResult]::new('--key-delimiter', '--key-delimiter', [CompletionResultType]::ParameterName, 'Key delimiter: split each record at its first occurrence into key and value')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Fixed key for messages without one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Fixed key for messages without one')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Header name=value for every message (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Header name=value for every message (repeatable)')
            [CompletionResult]::new('-z', '-z', [CompletionResultType]::ParameterName, 'Compression codec: none, gzip, snappy, lz4, zstd')
            [CompletionResult]::new('--compression', '--compression', [CompletionResultType]::ParameterName, 'Compression codec: none, gzip, snappy, lz4, zstd')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after this many messages')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many messages')
            [CompletionResult]::new('--txn-size', '--txn-size', [CompletionResultType]::ParameterName, 'With -X transactional.id: commit a transaction every N messages [default: one transaction per input file, or for all of stdin]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Read the single FILE argument as delimited records (like stdin)')
            [CompletionResult]::new('--line-mode', '--line-mode', [CompletionResultType]::ParameterName, 'Read the single FILE argument as delimited records (like stdin)')
            [CompletionResult]::new('-Z', '-Z ', [CompletionResultType]::ParameterName, 'With -K: empty key or value parts become NULL')
            [CompletionResult]::new('--null-empty', '--null-empty', [CompletionResultType]::ParameterName, 'With -K: empty key or value parts become NULL')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No informational output')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No informational output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;consume' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Topic to read (without -G)')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic to read (without -G)')
            [CompletionResult]::new('-G', '-G ', [CompletionResultType]::ParameterName, 'Join this consumer group and read the TOPICS given as arguments (kcat -G)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Join this consumer group and read the TOPICS given as arguments (kcat -G)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this partition (repeatable) [default: all]')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Only this partition (repeatable) [default: all]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Start: beginning, end, stored, N, -N (N before the end), s@MS (first at or after a time); e@MS stops at a time')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'Start: beginning, end, stored, N, -N (N before the end), s@MS (first at or after a time); e@MS stops at a time')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Exit after this many messages')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit after this many messages')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format (kcat -f tokens)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (kcat -f tokens)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Message delimiter for the default format')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Message delimiter for the default format')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'Key delimiter: print key, this, then value')
            [CompletionResult]::new('--key-delimiter', '--key-delimiter', [CompletionResultType]::ParameterName, 'Key delimiter: print key, this, then value')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Exit when the end of every partition is reached')
            [CompletionResult]::new('--exit', '--exit', [CompletionResultType]::ParameterName, 'Exit when the end of every partition is reached')
            [CompletionResult]::new('-J', '-J ', [CompletionResultType]::ParameterName, 'One JSON object per message (kcat -J envelope)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per message (kcat -J envelope)')
            [CompletionResult]::new('-Z', '-Z ', [CompletionResultType]::ParameterName, 'Print NULL for null (or empty) keys and values')
            [CompletionResult]::new('--null-empty', '--null-empty', [CompletionResultType]::ParameterName, 'Print NULL for null (or empty) keys and values')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Flush stdout after every message')
            [CompletionResult]::new('--unbuffered', '--unbuffered', [CompletionResultType]::ParameterName, 'Flush stdout after every message')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No informational lines on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No informational lines on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;metadata' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Only this topic')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Only this topic')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (`json` is the same as -J)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (`json` is the same as -J)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-J', '-J ', [CompletionResultType]::ParameterName, 'JSON output (as kcat -L -J)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON output (as kcat -L -J)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;groups' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List group ids (with --state: a table with each group''s state)')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Offsets and lag per partition (default), members (--members) or state (--state)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an empty group and its committed offsets')
            [CompletionResult]::new('delete-offsets', 'delete-offsets', [CompletionResultType]::ParameterValue, 'Delete a group''s committed offsets of a topic (kafka-consumer-groups --delete-offsets)')
            [CompletionResult]::new('reset-offsets', 'reset-offsets', [CompletionResultType]::ParameterValue, 'Move an inactive group''s committed offsets (dry run unless --execute)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;groups;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'state')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;groups;describe' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (json carries members, assignments and offsets at once)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (json carries members, assignments and offsets at once)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--members', '--members', [CompletionResultType]::ParameterName, 'members')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'state')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;groups;delete' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;groups;delete-offsets' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'TOPIC or TOPIC:P,P,... (repeatable) [default partitions: all]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;groups;reset-offsets' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'topic')
            [CompletionResult]::new('--to-offset', '--to-offset', [CompletionResultType]::ParameterName, 'to-offset')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--to-earliest', '--to-earliest', [CompletionResultType]::ParameterName, 'to-earliest')
            [CompletionResult]::new('--to-latest', '--to-latest', [CompletionResultType]::ParameterName, 'to-latest')
            [CompletionResult]::new('--execute', '--execute', [CompletionResultType]::ParameterName, 'Commit the new offsets (without it, only show them)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;groups;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List group ids (with --state: a table with each group''s state)')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Offsets and lag per partition (default), members (--members) or state (--state)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an empty group and its committed offsets')
            [CompletionResult]::new('delete-offsets', 'delete-offsets', [CompletionResultType]::ParameterValue, 'Delete a group''s committed offsets of a topic (kafka-consumer-groups --delete-offsets)')
            [CompletionResult]::new('reset-offsets', 'reset-offsets', [CompletionResultType]::ParameterValue, 'Move an inactive group''s committed offsets (dry run unless --execute)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;groups;help;list' {
            break
        }
        'kw;groups;help;describe' {
            break
        }
        'kw;groups;help;delete' {
            break
        }
        'kw;groups;help;delete-offsets' {
            break
        }
        'kw;groups;help;reset-offsets' {
            break
        }
        'kw;groups;help;help' {
            break
        }
        'kw;simulate-sales' {
            [CompletionResult]::new('--transactions', '--transactions', [CompletionResultType]::ParameterName, 'Number of transactions (1-3 purchase line items each)')
            [CompletionResult]::new('--min-delay', '--min-delay', [CompletionResultType]::ParameterName, 'Minimum pause between transactions, in seconds')
            [CompletionResult]::new('--max-delay', '--max-delay', [CompletionResultType]::ParameterName, 'Maximum pause between transactions, in seconds')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Transactions per second instead of the pauses; 0 = as fast as possible')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this many seconds')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for a reproducible stream (same messages apart from timestamps)')
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Partitions for --create-topics')
            [CompletionResult]::new('--replication-factor', '--replication-factor', [CompletionResultType]::ParameterName, 'Replication factor for --create-topics [default: the broker''s default]')
            [CompletionResult]::new('--topic-products', '--topic-products', [CompletionResultType]::ParameterName, 'topic-products')
            [CompletionResult]::new('--topic-purchases', '--topic-purchases', [CompletionResultType]::ParameterName, 'topic-purchases')
            [CompletionResult]::new('--topic-inventories', '--topic-inventories', [CompletionResultType]::ParameterName, 'topic-inventories')
            [CompletionResult]::new('--catalog', '--catalog', [CompletionResultType]::ParameterName, 'Product catalog CSV in the original''s layout [default: the built-in one]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'As fast as possible (same as --rate 0)')
            [CompletionResult]::new('--create-topics', '--create-topics', [CompletionResultType]::ParameterName, 'Create the three topics if they are missing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the messages (topic key:value) instead of producing them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress output')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress output')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;transactions' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every transactional id, its coordinator, producer id and state')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'One transactional id: producer, epoch, state, timeout, open transaction')
            [CompletionResult]::new('describe-producers', 'describe-producers', [CompletionResultType]::ParameterValue, 'The producers a partition''s leader knows, with their open transactions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;transactions;list' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only transactions in this state (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort; repeatable)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;transactions;describe' {
            [CompletionResult]::new('--transactional-id', '--transactional-id', [CompletionResultType]::ParameterName, 'transactional-id')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;transactions;describe-producers' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'topic')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'partition')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;transactions;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every transactional id, its coordinator, producer id and state')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'One transactional id: producer, epoch, state, timeout, open transaction')
            [CompletionResult]::new('describe-producers', 'describe-producers', [CompletionResultType]::ParameterValue, 'The producers a partition''s leader knows, with their open transactions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;transactions;help;list' {
            break
        }
        'kw;transactions;help;describe' {
            break
        }
        'kw;transactions;help;describe-producers' {
            break
        }
        'kw;transactions;help;help' {
            break
        }
        'kw;acls' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add ACLs (kafka-acls --add)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List ACLs, per resource (kafka-acls --list)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove ACLs (kafka-acls --remove); asks first unless --force')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;acls;add' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic (repeatable; ''*'' for every topic)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Consumer group (repeatable; ''*'' for every group)')
            [CompletionResult]::new('--transactional-id', '--transactional-id', [CompletionResultType]::ParameterName, 'Transactional id (repeatable; ''*'' for every one)')
            [CompletionResult]::new('--resource-pattern-type', '--resource-pattern-type', [CompletionResultType]::ParameterName, 'literal or prefixed for add; also any or match for list and remove')
            [CompletionResult]::new('--allow-principal', '--allow-principal', [CompletionResultType]::ParameterName, 'Principal to allow, Type:name (repeatable)')
            [CompletionResult]::new('--deny-principal', '--deny-principal', [CompletionResultType]::ParameterName, 'Principal to deny, Type:name (repeatable)')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'Host the allow entries apply to [default: *]')
            [CompletionResult]::new('--deny-host', '--deny-host', [CompletionResultType]::ParameterName, 'Host the deny entries apply to [default: *]')
            [CompletionResult]::new('--operation', '--operation', [CompletionResultType]::ParameterName, 'Operation (repeatable): Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'Only entries of this principal (list)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster resource')
            [CompletionResult]::new('--producer', '--producer', [CompletionResultType]::ParameterName, 'Producer ACLs: WRITE, DESCRIBE and CREATE on the topics (and WRITE, DESCRIBE on the transactional ids; IDEMPOTENT_WRITE on the cluster with --idempotent)')
            [CompletionResult]::new('--idempotent', '--idempotent', [CompletionResultType]::ParameterName, 'With --producer: IDEMPOTENT_WRITE on the cluster')
            [CompletionResult]::new('--consumer', '--consumer', [CompletionResultType]::ParameterName, 'Consumer ACLs: READ and DESCRIBE on the topics, READ on the groups')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;acls;list' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic (repeatable; ''*'' for every topic)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Consumer group (repeatable; ''*'' for every group)')
            [CompletionResult]::new('--transactional-id', '--transactional-id', [CompletionResultType]::ParameterName, 'Transactional id (repeatable; ''*'' for every one)')
            [CompletionResult]::new('--resource-pattern-type', '--resource-pattern-type', [CompletionResultType]::ParameterName, 'literal or prefixed for add; also any or match for list and remove')
            [CompletionResult]::new('--allow-principal', '--allow-principal', [CompletionResultType]::ParameterName, 'Principal to allow, Type:name (repeatable)')
            [CompletionResult]::new('--deny-principal', '--deny-principal', [CompletionResultType]::ParameterName, 'Principal to deny, Type:name (repeatable)')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'Host the allow entries apply to [default: *]')
            [CompletionResult]::new('--deny-host', '--deny-host', [CompletionResultType]::ParameterName, 'Host the deny entries apply to [default: *]')
            [CompletionResult]::new('--operation', '--operation', [CompletionResultType]::ParameterName, 'Operation (repeatable): Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'Only entries of this principal (list)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster resource')
            [CompletionResult]::new('--producer', '--producer', [CompletionResultType]::ParameterName, 'Producer ACLs: WRITE, DESCRIBE and CREATE on the topics (and WRITE, DESCRIBE on the transactional ids; IDEMPOTENT_WRITE on the cluster with --idempotent)')
            [CompletionResult]::new('--idempotent', '--idempotent', [CompletionResultType]::ParameterName, 'With --producer: IDEMPOTENT_WRITE on the cluster')
            [CompletionResult]::new('--consumer', '--consumer', [CompletionResultType]::ParameterName, 'Consumer ACLs: READ and DESCRIBE on the topics, READ on the groups')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;acls;remove' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic (repeatable; ''*'' for every topic)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Consumer group (repeatable; ''*'' for every group)')
            [CompletionResult]::new('--transactional-id', '--transactional-id', [CompletionResultType]::ParameterName, 'Transactional id (repeatable; ''*'' for every one)')
            [CompletionResult]::new('--resource-pattern-type', '--resource-pattern-type', [CompletionResultType]::ParameterName, 'literal or prefixed for add; also any or match for list and remove')
            [CompletionResult]::new('--allow-principal', '--allow-principal', [CompletionResultType]::ParameterName, 'Principal to allow, Type:name (repeatable)')
            [CompletionResult]::new('--deny-principal', '--deny-principal', [CompletionResultType]::ParameterName, 'Principal to deny, Type:name (repeatable)')
            [CompletionResult]::new('--allow-host', '--allow-host', [CompletionResultType]::ParameterName, 'Host the allow entries apply to [default: *]')
            [CompletionResult]::new('--deny-host', '--deny-host', [CompletionResultType]::ParameterName, 'Host the deny entries apply to [default: *]')
            [CompletionResult]::new('--operation', '--operation', [CompletionResultType]::ParameterName, 'Operation (repeatable): Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'Only entries of this principal (list)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster resource')
            [CompletionResult]::new('--producer', '--producer', [CompletionResultType]::ParameterName, 'Producer ACLs: WRITE, DESCRIBE and CREATE on the topics (and WRITE, DESCRIBE on the transactional ids; IDEMPOTENT_WRITE on the cluster with --idempotent)')
            [CompletionResult]::new('--idempotent', '--idempotent', [CompletionResultType]::ParameterName, 'With --producer: IDEMPOTENT_WRITE on the cluster')
            [CompletionResult]::new('--consumer', '--consumer', [CompletionResultType]::ParameterName, 'Consumer ACLs: READ and DESCRIBE on the topics, READ on the groups')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove without asking')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;acls;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add ACLs (kafka-acls --add)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List ACLs, per resource (kafka-acls --list)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove ACLs (kafka-acls --remove); asks first unless --force')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;acls;help;add' {
            break
        }
        'kw;acls;help;list' {
            break
        }
        'kw;acls;help;remove' {
            break
        }
        'kw;acls;help;help' {
            break
        }
        'kw;users' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Set a user''s SCRAM password (creates the user); the password is read from stdin (first line) or --password-file')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a user''s SCRAM credentials (every mechanism unless --mechanism)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Users with SCRAM credentials, as kafka-configs --describe prints them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;users;add' {
            [CompletionResult]::new('--mechanism', '--mechanism', [CompletionResultType]::ParameterName, 'SCRAM-SHA-256 or SCRAM-SHA-512 (repeatable)')
            [CompletionResult]::new('--iterations', '--iterations', [CompletionResultType]::ParameterName, 'iterations')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of FILE')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;users;delete' {
            [CompletionResult]::new('--mechanism', '--mechanism', [CompletionResultType]::ParameterName, 'mechanism')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;users;list' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;users;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Set a user''s SCRAM password (creates the user); the password is read from stdin (first line) or --password-file')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a user''s SCRAM credentials (every mechanism unless --mechanism)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Users with SCRAM credentials, as kafka-configs --describe prints them')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;users;help;add' {
            break
        }
        'kw;users;help;delete' {
            break
        }
        'kw;users;help;list' {
            break
        }
        'kw;users;help;help' {
            break
        }
        'kw;cluster' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding node-1, node-2, ...')
            [CompletionResult]::new('--base-port', '--base-port', [CompletionResultType]::ParameterName, 'Client port of node 1; node N listens on BASE_PORT+N-1')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start the nodes in the background and wait until they serve')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each node: up or down, pid, address, partitions it leads')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop one node (SIGTERM, or SIGKILL with --kill), like `docker stop kafka-2`')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start one stopped node again, like `docker start kafka-2`')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop every node (and delete the data with --purge)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;cluster;up' {
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Number of nodes (the workshop''s three by default)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Broker setting for every node, e.g. --config num.partitions=6 (repeatable)')
            [CompletionResult]::new('--console-listen', '--console-listen', [CompletionResultType]::ParameterName, 'Where the console listens [default: 127.0.0.1:(BASE_PORT-1012), 8080 for 9092]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding node-1, node-2, ...')
            [CompletionResult]::new('--base-port', '--base-port', [CompletionResultType]::ParameterName, 'Client port of node 1; node N listens on BASE_PORT+N-1')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--no-console', '--no-console', [CompletionResultType]::ParameterName, 'Do not start the web console')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;cluster;status' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding node-1, node-2, ...')
            [CompletionResult]::new('--base-port', '--base-port', [CompletionResultType]::ParameterName, 'Client port of node 1; node N listens on BASE_PORT+N-1')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;cluster;stop' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding node-1, node-2, ...')
            [CompletionResult]::new('--base-port', '--base-port', [CompletionResultType]::ParameterName, 'Client port of node 1; node N listens on BASE_PORT+N-1')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--kill', '--kill', [CompletionResultType]::ParameterName, 'kill')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;cluster;start' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding node-1, node-2, ...')
            [CompletionResult]::new('--base-port', '--base-port', [CompletionResultType]::ParameterName, 'Client port of node 1; node N listens on BASE_PORT+N-1')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;cluster;down' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory holding node-1, node-2, ...')
            [CompletionResult]::new('--base-port', '--base-port', [CompletionResultType]::ParameterName, 'Client port of node 1; node N listens on BASE_PORT+N-1')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('--purge', '--purge', [CompletionResultType]::ParameterName, 'purge')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;cluster;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start the nodes in the background and wait until they serve')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each node: up or down, pid, address, partitions it leads')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop one node (SIGTERM, or SIGKILL with --kill), like `docker stop kafka-2`')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start one stopped node again, like `docker start kafka-2`')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop every node (and delete the data with --purge)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;cluster;help;up' {
            break
        }
        'kw;cluster;help;status' {
            break
        }
        'kw;cluster;help;stop' {
            break
        }
        'kw;cluster;help;start' {
            break
        }
        'kw;cluster;help;down' {
            break
        }
        'kw;cluster;help;help' {
            break
        }
        'kw;console' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to serve the console on')
            [CompletionResult]::new('--refresh-ms', '--refresh-ms', [CompletionResultType]::ParameterName, 'How often the console takes a snapshot of the cluster and open pages update')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;generate' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('--bootstrap-server', '--bootstrap-server', [CompletionResultType]::ParameterName, 'Bootstrap broker(s), host:port[,host:port...]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Client property by librdkafka name, e.g. -X security.protocol=SSL -X acks=1 (repeatable; wins over the configuration file)')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'Client properties from FILE, one property=value per line (kcat''s -F) [default: $KCAT_CONFIG, else ~/.config/kcat.conf if it exists]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG wins when set')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kw;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a broker node')
            [CompletionResult]::new('topics', 'topics', [CompletionResultType]::ParameterValue, 'Create, delete, list and describe topics')
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Produce messages from stdin or files (like kcat -P)')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume messages (like kcat -C)')
            [CompletionResult]::new('metadata', 'metadata', [CompletionResultType]::ParameterValue, 'Show brokers, topics and partitions (like kcat -L)')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'List, describe, delete consumer groups and reset their offsets')
            [CompletionResult]::new('simulate-sales', 'simulate-sales', [CompletionResultType]::ParameterValue, 'Stream the workshop''s sales data (products, purchases, restocks)')
            [CompletionResult]::new('transactions', 'transactions', [CompletionResultType]::ParameterValue, 'List and describe transactions and a partition''s producers (like kafka-transactions)')
            [CompletionResult]::new('acls', 'acls', [CompletionResultType]::ParameterValue, 'Add, list and remove ACLs (like kafka-acls)')
            [CompletionResult]::new('users', 'users', [CompletionResultType]::ParameterValue, 'Add, delete and list users'' SCRAM credentials (like kafka-configs --entity-type users)')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Run a local cluster in the background (up, status, stop, start, down)')
            [CompletionResult]::new('console', 'console', [CompletionResultType]::ParameterValue, 'Serve the web console for a cluster (topics, groups, brokers, timeline)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions or man pages (for packagers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kw;help;serve' {
            break
        }
        'kw;help;topics' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a topic')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a topic and its data')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List topic names, sorted')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Show partitions, leaders, replicas and in-sync replicas')
            [CompletionResult]::new('delete-records', 'delete-records', [CompletionResultType]::ParameterValue, 'Delete records before an offset (kafka-delete-records): the log start moves up')
            [CompletionResult]::new('alter', 'alter', [CompletionResultType]::ParameterValue, 'Add partitions, or set and delete topic configs')
            break
        }
        'kw;help;topics;create' {
            break
        }
        'kw;help;topics;delete' {
            break
        }
        'kw;help;topics;list' {
            break
        }
        'kw;help;topics;describe' {
            break
        }
        'kw;help;topics;delete-records' {
            break
        }
        'kw;help;topics;alter' {
            break
        }
        'kw;help;produce' {
            break
        }
        'kw;help;consume' {
            break
        }
        'kw;help;metadata' {
            break
        }
        'kw;help;groups' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List group ids (with --state: a table with each group''s state)')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Offsets and lag per partition (default), members (--members) or state (--state)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an empty group and its committed offsets')
            [CompletionResult]::new('delete-offsets', 'delete-offsets', [CompletionResultType]::ParameterValue, 'Delete a group''s committed offsets of a topic (kafka-consumer-groups --delete-offsets)')
            [CompletionResult]::new('reset-offsets', 'reset-offsets', [CompletionResultType]::ParameterValue, 'Move an inactive group''s committed offsets (dry run unless --execute)')
            break
        }
        'kw;help;groups;list' {
            break
        }
        'kw;help;groups;describe' {
            break
        }
        'kw;help;groups;delete' {
            break
        }
        'kw;help;groups;delete-offsets' {
            break
        }
        'kw;help;groups;reset-offsets' {
            break
        }
        'kw;help;simulate-sales' {
            break
        }
        'kw;help;transactions' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every transactional id, its coordinator, producer id and state')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'One transactional id: producer, epoch, state, timeout, open transaction')
            [CompletionResult]::new('describe-producers', 'describe-producers', [CompletionResultType]::ParameterValue, 'The producers a partition''s leader knows, with their open transactions')
            break
        }
        'kw;help;transactions;list' {
            break
        }
        'kw;help;transactions;describe' {
            break
        }
        'kw;help;transactions;describe-producers' {
            break
        }
        'kw;help;acls' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add ACLs (kafka-acls --add)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List ACLs, per resource (kafka-acls --list)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove ACLs (kafka-acls --remove); asks first unless --force')
            break
        }
        'kw;help;acls;add' {
            break
        }
        'kw;help;acls;list' {
            break
        }
        'kw;help;acls;remove' {
            break
        }
        'kw;help;users' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Set a user''s SCRAM password (creates the user); the password is read from stdin (first line) or --password-file')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a user''s SCRAM credentials (every mechanism unless --mechanism)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Users with SCRAM credentials, as kafka-configs --describe prints them')
            break
        }
        'kw;help;users;add' {
            break
        }
        'kw;help;users;delete' {
            break
        }
        'kw;help;users;list' {
            break
        }
        'kw;help;cluster' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start the nodes in the background and wait until they serve')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each node: up or down, pid, address, partitions it leads')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop one node (SIGTERM, or SIGKILL with --kill), like `docker stop kafka-2`')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start one stopped node again, like `docker start kafka-2`')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop every node (and delete the data with --purge)')
            break
        }
        'kw;help;cluster;up' {
            break
        }
        'kw;help;cluster;status' {
            break
        }
        'kw;help;cluster;stop' {
            break
        }
        'kw;help;cluster;start' {
            break
        }
        'kw;help;cluster;down' {
            break
        }
        'kw;help;console' {
            break
        }
        'kw;help;generate' {
            break
        }
        'kw;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
