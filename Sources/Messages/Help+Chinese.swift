/// The help texts in Chinese, by their English text: the command line declares each command's
/// help in English beside the command; a Chinese locale reads it here. A test holds every help
/// text of the command tree to an entry.
extension Catalogue {
    public static let helpChinese: [String: String] = [
        "Fill in, review and sync provincial smart-healthcare calls (填报), offline first.":
            "离线优先地填写、审核和同步省级智慧医疗征集（填报）。",
        "Each city commission and hospital keeps a local replica; every command except init, sync and the\nhub commands works with no network. Fields are named by the notice's Chinese labels.":
            "每个市卫健委和医院都保存一个本地副本；除 init、sync 和 hub 命令外，所有命令都无需联网。\n字段按通知中的中文标签命名。",
        "Create this replica, enrolled at the hub with the token the province gave you.":
            "创建本副本，用省卫健委给的令牌在省平台登记。",
        "Needs the network once: it asks the hub which organisation and role the token belongs to, then pulls what this replica may read.":
            "只需联网一次：向省平台询问该令牌属于哪个单位和角色，然后拉取本副本可读的内容。",
        "The hub's address, e.g. https://hub.example.gov.cn.":
            "省平台的地址，如 https://hub.example.gov.cn。",
        "The token from 'tianbao hub enroll' (stored readable by you only).":
            "'tianbao hub enroll' 给出的令牌（保存为仅本人可读）。",
        "Show this replica: identity, hub, last sync, pending and refused changes, conflicts, deadlines.":
            "显示本副本：身份、省平台、上次同步、待发送和被拒的修改、冲突、截止时间。",
        "Check every change this replica holds against what its origin signed, and list what was kept apart.":
            "按来源的签名核对本副本持有的每条修改，并列出被隔离的修改。",
        "Works offline. Lists each anomaly with its origin: changes altered in this replica's file, signed intervals that no longer verify, changes held without a verified signature, and changes from the hub that did not verify (kept apart, never applied). Exits 65 when there is any.":
            "离线可用。逐条列出异常及其来源：本副本文件中被改动的修改、不再通过核验的签名区间、没有经核验签名的修改，以及省平台发来却未通过核验的修改（被隔离，从未应用）。有任何异常时退出码为 65。",
        "List the calls this replica knows, with their forms and tables.":
            "列出本副本已知的征集，及其表单和汇总表。",
        "Start a draft of a form; prints the new record's id.":
            "新建一份表单草稿；打印新记录的编号。",
        "Example: tianbao new fujian-2026 application --set 项目名称=县域影像智能辅助诊断 --set 项目简介=@summary.txt":
            "示例：tianbao new fujian-2026 application --set 项目名称=县域影像智能辅助诊断 --set 项目简介=@summary.txt",
        "The call, e.g. fujian-2026 (see 'tianbao calls').":
            "征集，如 fujian-2026（见 'tianbao calls'）。",
        "The form, e.g. application, or its attachment label (附件1).":
            "表单，如 application，或其附件编号（附件1）。",
        "A field by its label (or key) and its value; several choices are separated by 、 (or , ;); '@file.txt' reads the value from a file, '@@…' writes a value that begins with @. Every value is checked first: one that does not fit writes none.":
            "按标签（或键名）指定字段及其值；多个选项用、（或 , ;）分隔；'@file.txt' 从文件读取值，'@@…' 写入以 @ 开头的值。所有值先统一检查：只要有一个不合格，就都不写入。",
        "Values from a JSON object of field → value.":
            "从“字段 → 值”的 JSON 对象读取值。",
        "Change a record's answers; with no --set, opens $EDITOR on the record as a document.":
            "修改记录的填报内容；不带 --set 时，用 $EDITOR 以文档形式打开该记录。",
        "The record's id.":
            "记录编号。",
        "Show a record: its answers, its workflow and any conflicts.":
            "显示一条记录：填报内容、流程状态和冲突。",
        "List the form records on this replica.":
            "列出本副本上的填报记录。",
        "Only this call.":
            "只看该征集。",
        "Only this form.":
            "只看该表单。",
        "Only this status: draft, submitted, returned, recommended, selected, notSelected.":
            "只看该状态：draft、submitted、returned、recommended、selected、notSelected。",
        "Check a record against every rule of its form and call, as submitting would.":
            "按表单和征集的全部规则检查一条记录，与提交时的检查相同。",
        "Show a record's history: who changed what, when, on which replica.":
            "显示记录的历史：谁在何时、在哪个副本上改了什么。",
        "List a form's fields: label, key, type, whether required, choices, limits and the notice's guidance.":
            "列出表单的字段：标签、键名、类型、是否必填、选项、限制和通知中的填写说明。",
        "The form is named by its id, its attachment label (附件1) or its title. Use the labels (or keys) with 'tianbao new … --set 字段=值'.":
            "表单可用编号、附件编号（附件1）或标题指定。在 'tianbao new … --set 字段=值' 中使用这些标签（或键名）。",
        "The call's id (see 'tianbao calls').":
            "征集编号（见 'tianbao calls'）。",
        "The form: id, attachment label or title.":
            "表单：编号、附件编号或标题。",
        "Name the units applying jointly with a record of yours (联合申报): they see it and edit its answers; you submit it.":
            "指定与本单位某条记录联合申报的单位（联合申报）：对方可查看并修改填报内容；由本单位提交。",
        "Give every partner (a hospital, institution or enterprise, by code or name); the list replaces the one before. --clear names none. Only the owner names partners, while the record is a draft or returned.":
            "列出全部联合申报单位（医院、医疗卫生机构或企业，用代码或名称）；新列表替换原列表。--clear 表示不联合申报。只有所属单位能在草稿或退回状态下指定。",
        "The partner units.":
            "联合申报单位。",
        "Name no partner.":
            "不指定联合申报单位。",
        "Attach a file (the scanned, stamped copy: PDF, PNG, JPEG, TIFF or OFD) to a record of your unit.":
            "为本单位的记录附加文件（盖章扫描件：PDF、PNG、JPEG、TIFF 或 OFD）。",
        "The file is kept on this replica at once and sent to the hub by the next sync; every replica that may read the record fetches it. At most 32 MiB a file: scan at 300 dpi, or split a long document.":
            "文件立即保存在本副本，下次同步时发送到省平台；每个可读该记录的副本都会取回它。单个文件最大 32 MiB：请以 300 dpi 扫描，或拆分长文档。",
        "The file to attach.":
            "要附加的文件。",
        "The name it is listed under (default: the file's own name).":
            "列出时使用的名称（默认为文件本身的名称）。",
        "Remove a file from a record of your unit (other replicas drop it at their next sync).":
            "从本单位的记录中移除一个附件（其他副本在下次同步时删除它）。",
        "The file's name as 'show' lists it, or the start of its SHA-256.":
            "附件名称（如 'show' 所列），或其 SHA-256 的开头。",
        "Write a record's attached file out, checked against its hash.":
            "写出记录的附件，并按其哈希核对。",
        "Where to write it (default: its name, in the current folder).":
            "写到哪里（默认为其名称，写在当前文件夹）。",
        "Submit a record (or resubmit it after a return); every rule must hold.":
            "提交一条记录（或退回后重新提交）；须满足全部规则。",
        "Recommend submitted records of your city's units, with 审核意见.":
            "推荐本市所辖单位已提交的记录，并填写审核意见。",
        "Give several ids, or --all (with --call and --form to narrow it) for every record this step applies to, or --ids-from FILE; --dry-run shows what would happen and writes nothing. Many records are written at once or not at all.":
            "可给出多个编号，或用 --all（配合 --call 和 --form 缩小范围）选中本步骤适用的全部记录，或用 --ids-from FILE；--dry-run 只显示将发生什么，不写入。多条记录要么一起写入，要么都不写入。",
        "The records' ids.":
            "记录编号。",
        "审核意见 (required).":
            "审核意见（必填）。",
        "Every record on this replica the step applies to (in the status it moves on from, of a unit you may act for).":
            "本副本上本步骤适用的每条记录（处于本步骤的起始状态，且属于您可代为操作的单位）。",
        "With --all: only records of this call.":
            "配合 --all：只选该征集的记录。",
        "With --all: only records of this form (its id, 附件 label or title).":
            "配合 --all：只选该表单的记录（编号、附件编号或标题）。",
        "Read ids from FILE ('-': standard input), one per line; a line not starting with a record id (a heading of 'tianbao list') is skipped.":
            "从 FILE 读取编号（'-' 表示标准输入），每行一个；不以记录编号开头的行（如 'tianbao list' 的标题行）会被跳过。",
        "Show what would happen to each record; write nothing.":
            "显示每条记录将发生什么；不写入任何内容。",
        "Return submitted records to their units for revision, with 理由.":
            "将已提交的记录退回申报单位修改，并填写理由。",
        "理由 (required).":
            "理由（必填）。",
        "Select records into the provincial library (入库); province only.":
            "将记录遴选入库；仅限省卫健委。",
        "A note with the decision.":
            "随决定附上的说明。",
        "Decide not to select records; province only.":
            "决定不予入选；仅限省卫健委。",
        "Mark a selected project 完结 (finished); province only: its leader may then lead another.":
            "将已入库的项目标记为完结；仅限省卫健委：其负责人此后可牵头新项目。",
        "A note, e.g. the acceptance (验收) it passed.":
            "说明，如通过的验收。",
        "Delete a record of your unit.":
            "删除本单位的一条记录。",
        "List concurrent edits waiting for a person: record, field, every value with who and when.":
            "列出等待人工处理的并发修改：记录、字段、每个值及其修改人和时间。",
        "Settle a conflict: keep one of the values (--pick N, as numbered by 'conflicts') or write a new one.":
            "解决冲突：保留其中一个值（--pick N，编号见 'conflicts'）或写入新值。",
        "The field, by its label or key.":
            "字段，按标签或键名。",
        "Keep value N.":
            "保留第 N 个值。",
        "Write this value instead.":
            "改为写入该值。",
        "Keep a record that was deleted while someone edited it.":
            "保留一条在他人编辑时被删除的记录。",
        "Compile a summary table (e.g. 附件2 推荐汇总表) from this replica's records, offline.":
            "离线地根据本副本的记录汇总一张表（如附件2 推荐汇总表）。",
        "The footer carries the version vector and the table's SHA-256, which the hub recomputes before it is stamped (盖章).":
            "表尾载有版本向量和该表的 SHA-256，省平台在盖章前会重新计算核对。",
        "The call, e.g. fujian-2026.":
            "征集，如 fujian-2026。",
        "The table, e.g. 附件2.":
            "汇总表，如 附件2。",
        "The reporting unit (a city commission or provincial institution); this replica's own unit without it, and province-wide on the province's replica.":
            "报送单位（设区市卫健委或省属机构）；不指定时为本副本所属单位，在省卫健委的副本上为全省。",
        "Only the records the province selected (入库): the call's library, e.g. 全省重点领域应用场景备选发布清单库.":
            "只列省卫健委遴选入库的记录：即该征集的清单库，如 全省重点领域应用场景备选发布清单库。",
        "Only records tagged with one of these 参考指引场景 (the national guide's scenario numbers).":
            "只列标注了这些参考指引场景（《参考指引》的场景序号）的记录。",
        "Only records tagged with a scenario of this category of the guide (e.g. 医疗服务, or its place 1–13).":
            "只列标注了《参考指引》该类别场景的记录（如 医疗服务，或其序号 1–13）。",
        "Group the rows by 参考指引场景 or by its category; a first column names each record's.":
            "按参考指引场景或其类别分组；首列写明每条记录所属的场景或类别。",
        "Output format: xlsx to print and file (needs --out), html to print, csv (a flat table for scripts), md, json. Default: --out's extension, else md on a terminal and csv otherwise.":
            "输出格式：xlsx 用于打印归档（须配合 --out），html 用于打印，csv（供脚本使用的平面表），md，json。默认按 --out 的扩展名，否则在终端上为 md、其他情况为 csv。",
        "Write to FILE instead of standard output.":
            "写入 FILE，而不是标准输出。",
        "Show each expected unit's counts against its quota, how far it got, and whether it is late.":
            "显示每个应报单位相对于名额的数量、进度以及是否逾期。",
        "The call, e.g. anhui-2023.":
            "征集，如 anhui-2023。",
        "Show the province's selection (入库) against the call's targets, and the records selected.":
            "显示省卫健委相对于征集目标的遴选入库情况，以及已入库的记录。",
        "A target is the notice's (Anhui: 10 场景机会 and 10 场景能力; Fujian: 10个以上 a year): past an exact target is warned about, never refused. 'tianbao compile CALL TABLE --library' prints the library as a table.":
            "目标来自通知（安徽：10 个场景机会和 10 个场景能力；福建：每年 10 个以上）：超过确定的目标会提醒，但不会拒绝。'tianbao compile CALL TABLE --library' 将清单库打印为表。",
        "Print a record as the notice's document (e.g. 附件1 申请表), one record per document, to sign, stamp (盖章) and file.":
            "将一条记录打印为通知中的文书（如附件1 申请表），一条记录一份，用于签字、盖章和归档。",
        "Writes A4 HTML: open it in a browser and print, or print to PDF. Every section in the notice's order and labels, the statements with the seal and date lines, the 审核意见 of the supervising department.":
            "写出 A4 的 HTML：在浏览器中打开并打印，或打印为 PDF。各部分按通知的顺序和标签排列，含声明及盖章、日期栏，以及主管部门的审核意见。",
        "Write to FILE (e.g. 申请表.html) instead of standard output.":
            "写入 FILE（如 申请表.html），而不是标准输出。",
        "Push this replica's changes to the hub and pull what it may read.":
            "把本副本的修改推送到省平台，并拉取本副本可读的内容。",
        "Made for cron: quiet on success when not on a terminal; retries a hub that is unreachable or busy\nwithin --budget seconds. Exit codes: 0 done, 75 hub unreachable or busy (or another sync is running:\ntry later), 77 token refused, 78 the hub's TLS certificate is not trusted here (fix the trust store),\n65 some changes refused (see 'tianbao status'), 64 usage.":
            "为定时任务（cron）设计：不在终端上运行时成功即无输出；在 --budget 秒内重试不可达或繁忙的省平台。\n退出码：0 完成，75 省平台不可达或繁忙（或另一个同步正在运行：稍后再试），77 令牌被拒，78 本机不信任省平台的 TLS 证书（请修正信任库），65 部分修改被拒（见 'tianbao status'），64 用法错误。",
        "Off a terminal, exit 75 in silence while the hub was last reached less than HOURS ago (default 24); after that, say so on standard error, so cron mails the owner.":
            "不在终端上运行时，如省平台上次连通距今不足 HOURS 小时（默认 24），以 75 静默退出；超过之后在标准错误输出中说明，让定时任务给负责人发邮件。",
        "How long to keep retrying (default 60).":
            "重试的时长（默认 60 秒）。",
        "Hand changes over as a file when the network is down or forbidden.":
            "在网络中断或不允许联网时，以文件形式移交修改。",
        "Write the changes the hub lacks (as far as this replica knows) to one checksummed file.":
            "把省平台缺少的修改（就本副本所知）写入一个带校验的文件。",
        "The bundle file to write.":
            "要写出的数据包文件。",
        "Apply a bundle file to this replica (importing it twice changes nothing).":
            "把数据包文件应用到本副本（重复导入不会改变任何内容）。",
        "The bundle file.":
            "数据包文件。",
        "Drop changes the hub refused (listed by 'tianbao status'), so the records show what the hub holds.":
            "丢弃省平台拒绝的修改（见 'tianbao status'），使记录显示省平台所持有的内容。",
        "The hub never applied them and no other replica has them: dropping one changes only this replica. Name the refused changes (their dots, as 'status' prints them), or --all.":
            "省平台从未应用这些修改，其他副本也没有：丢弃只影响本副本。请指定被拒的修改（其编号，如 'status' 所示），或用 --all。",
        "A refused change, as 'status' lists it (<replica>:<seq>).":
            "一条被拒的修改，如 'status' 所列（<副本>:<序号>）。",
        "Every refused change.":
            "全部被拒的修改。",
        "Run the hub: the HTTP sync server on the embedded SQLite store (WAL).":
            "运行省平台：基于内嵌 SQLite 存储（WAL）的 HTTP 同步服务器。",
        "SIGTERM or SIGINT stops accepting, lets requests in flight finish, closes the store and exits 0.":
            "SIGTERM 或 SIGINT 会停止接受新请求，等进行中的请求完成，关闭存储并以 0 退出。",
        "The hub's SQLite database (created when missing).":
            "省平台的 SQLite 数据库（不存在时创建）。",
        "Where to listen (default 127.0.0.1:8040; port 0 picks one).":
            "监听地址（默认 127.0.0.1:8040；端口 0 表示自动选择）。",
        "Largest request body (default 8 MiB).":
            "请求体的最大长度（默认 8 MiB）。",
        "A file holding the bearer token Prometheus sends for /metrics' per-replica series (without it, /metrics serves aggregates only).":
            "保存 Prometheus 访问 /metrics 分副本指标时所用令牌的文件（不提供时 /metrics 只给汇总指标）。",
        "Administer the hub: enrol replicas, manage organisations, import bundles, compile tables.":
            "管理省平台：登记副本、管理单位、导入数据包、汇总表格。",
        "Enrol a replica for an organisation; prints its id and token once (the hub keeps only a hash).":
            "为某单位登记一个副本；只打印一次其编号和令牌（省平台只保存哈希）。",
        "The organisation's code or full name (福州市卫生健康委员会).":
            "单位代码或全称（福州市卫生健康委员会）。",
        "What the replica may do; also 省卫健委, 市卫健委, 医院.":
            "副本的角色；也可写 省卫健委、市卫健委、医院。",
        "Who uses it (shown in reports).":
            "使用者（显示在报告中）。",
        "The hub's address, to print the replica's init command.":
            "省平台的地址，用于打印副本的 init 命令。",
        "Revoke a replica's token; its next request is refused (401).":
            "吊销副本的令牌；其下一次请求会被拒绝（401）。",
        "The replica id.":
            "副本编号。",
        "List enrolled replicas and when each last synced.":
            "列出已登记的副本及其上次同步时间。",
        "List organisations, add one (--code … --name … --kind …), or load a JSON file of them (--load FILE).":
            "列出单位，添加一个（--code … --name … --kind …），或从 JSON 文件载入（--load FILE）。",
        "A JSON array of organisations to register or update.":
            "要登记或更新的单位 JSON 数组。",
        "Add: the organisation's code.":
            "添加：单位代码。",
        "Add: its name.":
            "添加：名称。",
        "Add: its kind.":
            "添加：类型。",
        "Add: its city commission's code.":
            "添加：所属设区市卫健委的代码。",
        "Add: it reports straight to the province (省属).":
            "添加：直接向省卫健委报送（省属）。",
        "Add: 医院等级.":
            "添加：医院等级。",
        "Add: 统一社会信用代码.":
            "添加：统一社会信用代码。",
        "Add: contact person.":
            "添加：联系人。",
        "Add: contact phone.":
            "添加：联系电话。",
        "Publish a call template to every replica through sync (a new call, or a new version of one).":
            "通过同步向各副本发布征集模板（新的征集，或某征集的新版本）。",
        "The call template (JSON, as in Sources/Submissions/Resources/calls).":
            "征集模板（JSON，格式同 Sources/Submissions/Resources/calls）。",
        "Apply a bundle from an offline replica, checked as its network push would be.":
            "应用来自离线副本的数据包，按其联网推送的规则检查。",
        "Compile a summary table from the hub's records (to confirm a city's offline table before it is stamped).":
            "根据省平台的记录汇总一张表（用于盖章前核对某市的离线汇总表）。",
        "The call.":
            "征集。",
        "The reporting unit; province-wide without it.":
            "报送单位；不指定时为全省。",
        "Record that a unit's table was received and stamped (盖章): its content hash, by whom, when.":
            "记录某单位的表已收到并盖章：其内容哈希、盖章人和时间。",
        "The hub compiles the same table first and refuses a hash it does not reproduce. 'tianbao hub compile' later says whether the table still matches its stamp; 'tianbao hub audit' lists every stamp.":
            "省平台先汇总同一张表，不能复现的哈希会被拒绝。之后 'tianbao hub compile' 会说明该表是否仍与盖章时一致；'tianbao hub audit' 列出所有盖章。",
        "The content hash printed under the table that was stamped.":
            "盖章的表下方打印的内容哈希。",
        "The completeness report from the hub's records.":
            "根据省平台的记录生成完成情况报告。",
        "Copy the hub's database with SQLite's online backup, while the hub keeps serving.":
            "在省平台继续服务的同时，用 SQLite 在线备份复制其数据库。",
        "Attached files' bytes are in <db>-files and are copied to <out>-files beside the backup; restore both together. The key the hub signs with (<db>.key) is not in the database: back it up too, kept apart from it.":
            "附件内容保存在 <db>-files 中，会复制到备份旁的 <out>-files；请一同恢复。省平台的签名密钥（<db>.key）不在数据库中：请另行备份并分开保管。",
        "The backup file to write (and FILE-files, the attached files).":
            "要写出的备份文件（以及附件文件 FILE-files）。",
        "List the hub's audit trail (enrolments, keys, revocations, bundles, publications, organisations, stamps) and check its chain.":
            "列出省平台的审计记录（登记、密钥、吊销、数据包、发布、单位、盖章）并检查其链。",
        "Each entry carries the hash of the one before: an entry altered, removed or inserted in the database file breaks the chain, and the command lists where and exits 65.":
            "每条记录都带有前一条的哈希：数据库文件中任何一条被改动、删除或插入都会使链断裂，命令会列出位置并以 65 退出。",
        "Only entries from this day on (China time).":
            "只看从该日起的记录（北京时间）。",
        "Check every change the hub holds against what its origin signed, the arrival log's order and the audit trail.":
            "按来源的签名、到达日志的顺序和审计记录，核对省平台持有的每条修改。",
        "Lists each anomaly with its origin and the records it touches: altered, missing, inserted or re-ordered changes, signed heads that no longer verify, and arrivals tagged for no reader. Exits 65 when there is any.":
            "逐条列出异常及其来源和涉及的记录：被改动、缺失、插入或重排的修改，不再通过核验的签名链头，以及没有任何读者标记的到达记录。有任何异常时退出码为 65。",
        "The replica's folder (default: $TIANBAO_DIR, else ./.tianbao).":
            "副本文件夹（默认：$TIANBAO_DIR，否则 ./.tianbao）。",
        "Print data as JSON, for scripts.":
            "以 JSON 输出数据，供脚本使用。",
        "Who is editing, recorded with each change (default: $TIANBAO_USER, else the unit).":
            "经办人，随每条修改记录（默认：$TIANBAO_USER，否则为单位）。",
        "Show help for this command.":
            "显示该命令的帮助。",
        "Show the version.":
            "显示版本。",
        "Print a shell completion script: commands, subcommands and options.":
            "输出 shell 补全脚本：命令、子命令和选项。",
        "bash: eval \"$(tianbao completion bash)\" in ~/.bashrc, or save it as /etc/bash_completion.d/tianbao. zsh: eval \"$(tianbao completion zsh)\" in ~/.zshrc.":
            "bash：在 ~/.bashrc 中加入 eval \"$(tianbao completion bash)\"，或保存为 /etc/bash_completion.d/tianbao。zsh：在 ~/.zshrc 中加入 eval \"$(tianbao completion zsh)\"。",
        "bash or zsh.":
            "bash 或 zsh。",
        "A private CA's certificate (PEM) to trust for the hub instead of the system's trust store; kept in the replica's folder.":
            "信任省平台时使用的私有 CA 证书（PEM），代替本机的信任库；保存在副本文件夹中。",
        "From now on trust this private CA's certificate (PEM) for the hub, kept in the replica's folder (as 'init --ca-file').":
            "今后信任省平台时使用这个私有 CA 证书（PEM），保存在副本文件夹中（同 'init --ca-file'）。",
    ]

    /// A help text in the reader's language.
    public static func help(_ english: String) -> String {
        Language.current == .chinese ? helpChinese[english] ?? english : english
    }
}
