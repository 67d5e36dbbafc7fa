"""Typer's own words in the CLI's language: its usage errors (a missing argument, an unknown
option or command, a value of the wrong type), the titles and usage line of its help pages, and
the help of the options most commands share.

Typer (0.29) carries its own copy of Click, whose messages are English f-strings: they are
worded here from the finished English sentence (:func:`usage_error`), one pattern per kind of
mistake; a sentence no pattern knows stays English. The help pages' panel titles are Typer's
``rich_utils`` constants and the usage line's prefix its formatter's: :func:`speak_typer` sets
them for the language of each run (and back, for English: tests run many commands in one
process). ``--json`` keeps the English ``message`` and adds the worded sentence as ``detail``,
as every other refusal does.

Examples:
    >>> usage_error("Missing argument 'project'.", "zh-CN")
    "缺少参数 'project'。"
    >>> usage_error("No such option: --jsn (Possible options: --as, --json)", "zh-CN")
    '没有选项 --jsn（可用的选项：--as, --json）'
    >>> usage_error("Invalid value for '--workers': Input should be greater than or equal to 1",
    ...             "zh-CN")
    "'--workers' 的值无效：应大于或等于 1"
    >>> usage_error("No such option: --jsn", "en")
    'No such option: --jsn'
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from datamill.cli._help_zh_catalog import CATALOG_HELP_ZH_CN
from datamill.cli._help_zh_core import CORE_HELP_ZH_CN
from datamill.cli._help_zh_ledger import LEDGER_SHORT_ZH_CN
from datamill.cli._help_zh_ledger_body import LEDGER_HELP_ZH_CN
from datamill.cli._help_zh_loop import LOOP_HELP_ZH_CN
from datamill.cli._help_zh_security import SECURITY_HELP_ZH_CN
from datamill.cli._help_zh_workforce import WORKFORCE_HELP_ZH_CN

__all__ = ["ZH_CN_HELP", "run_root", "speak_typer", "usage_error", "worded_help"]

#: the usage errors of Typer's Click, each a pattern of the English sentence and its Chinese;
#: ``{value}`` of "Invalid value" is worded again by :data:`_VALUE_ZH`
_USAGE_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), said) for pattern, said in (
        (r"^No such command (?P<name>'.*?')\. Did you mean (?P<hint>.*)\?$",
         "没有命令 {name}。您是否要用 {hint}？"),
        (r"^No such command (?P<name>'.*')\.$", "没有命令 {name}。"),
        (r"^No such option: (?P<name>\S+) \(Possible options: (?P<hint>.*)\)$",
         "没有选项 {name}（可用的选项：{hint}）"),
        (r"^No such option: (?P<name>\S+)$", "没有选项 {name}"),
        (r"^Missing argument (?P<name>.*?)\.(?P<more>.*)$", "缺少参数 {name}。{more}"),
        (r"^Missing option (?P<name>.*?)\.(?P<more>.*)$", "缺少选项 {name}。{more}"),
        (r"^Missing parameter:? ?(?P<name>.*?)\.?$", "缺少参数 {name}。"),
        (r"^Missing command\.$", "缺少命令：请在后面写上一个子命令。"),
        (r"^Option (?P<name>'.*?') requires an argument\.?$", "选项 {name} 需要一个值。"),
        (r"^Option (?P<name>'.*?') requires (?P<n>\d+) arguments\.?$",
         "选项 {name} 需要 {n} 个值。"),
        (r"^Option (?P<name>'.*?') does not take a value\.$", "选项 {name} 不接受值。"),
        (r"^Got unexpected extra arguments? ?\(?s?\)? \((?P<args>.*)\)$",
         "多余的参数：{args}"),
        (r"^Invalid value for (?P<name>.*?): (?P<value>.*)$", "{name} 的值无效：{value}"),
        (r"^Invalid value: (?P<value>.*)$", "值无效：{value}"),
    ))

#: why a value was refused (Typer checks values with pydantic, and its own path and choice
#: checks): the Chinese of each
_VALUE_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), said) for pattern, said in (
        (r"^Input should be a valid integer.*$", "应为整数"),
        (r"^Input should be a valid number.*$", "应为数字"),
        (r"^Input should be a valid boolean.*$", "应为 true 或 false"),
        (r"^Input should be a valid date.*$", "应为日期（YYYY-MM-DD）"),
        (r"^Input should be a valid datetime.*$", "应为时间（YYYY-MM-DD HH:MM）"),
        (r"^Input should be greater than or equal to (?P<n>\S+)$", "应大于或等于 {n}"),
        (r"^Input should be greater than (?P<n>\S+)$", "应大于 {n}"),
        (r"^Input should be less than or equal to (?P<n>\S+)$", "应小于或等于 {n}"),
        (r"^Input should be less than (?P<n>\S+)$", "应小于 {n}"),
        (r"^(?P<value>.*) is not one of (?P<choices>.*)\.$", "{value} 不是 {choices} 之一"),
        (r"^(?P<value>.*) is not (?P<choice>'.*')\.$", "{value} 不是 {choice}"),
        (r"^(?P<kind>\w+) (?P<path>'.*') does not exist\.$", "{path} 不存在"),
        (r"^(?P<kind>\w+) (?P<path>'.*') is a file\.$", "{path} 是文件，不是文件夹"),
        (r"^(?P<kind>\w+) (?P<path>'.*') is a directory\.$", "{path} 是文件夹，不是文件"),
        (r"^(?P<kind>\w+) (?P<path>'.*') is not readable\.$", "{path} 不可读"),
        (r"^(?P<kind>\w+) (?P<path>'.*') is not writable\.$", "{path} 不可写"),
        (r"^Value (?P<value>'.*') is not a valid (?P<kind>.*)\.$", "{value} 不是有效的{kind}"),
    ))


def _sub(table: tuple[tuple[re.Pattern[str], str], ...], text: str) -> str | None:
    for pattern, said in table:
        found = pattern.match(text)
        if found is not None:
            return said.format(**{k: v or "" for k, v in found.groupdict().items()})
    return None


def usage_error(message: str, lang: str) -> str:
    """A usage error of Typer's (its English ``message``) in ``lang``: English as it is, the
    Chinese of a sentence the patterns know, else the English."""
    if lang == "en":
        return message
    said = _sub(_USAGE_ZH, message.strip())
    if said is None:
        return message
    if "的值无效：" in said:  # the value's own reason, worded where known
        head, _sep, why = said.partition("的值无效：")
        said = f"{head}的值无效：{_sub(_VALUE_ZH, why.strip()) or why}"
    return said.strip()


#: the help of the options and commands every page shows, by their English: the framework's
#: own and datamill's shared options (``--as``, ``--json`` ...)
ZH_CN_HELP: dict[str, str] = {
    "Show this message and exit.": "显示此帮助并退出。",
    "Print datamill's version and exit.": "显示 datamill 的版本并退出。",
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.":
        "显示当前 shell 的命令补全脚本，以便复制或自定义安装。",
    "Print JSON.": "以 JSON 输出。",
    "Username of the person acting (required); checked like an API caller.":
        "执行操作者的用户名（必填）；按 API 调用者的权限检查。",
    "Replace the output file if it exists.": "输出文件已存在时替换它。",
    "Username of the person acting.": "执行操作者的用户名。",
    "Username of the person acting (required).": "执行操作者的用户名（必填）。",
    "Print JSON instead of a table.": "以 JSON 输出，而不是表格。",
    "The worker's id or username": "人员的编号或用户名",
    "The quote request's id.": "询价请求的编号。",
    "Why (kept in the audit trail).": "原因（记入审计记录）。",
    "Why.": "原因。",
    "Why (required to reject).": "原因（驳回时必填）。",
    "First day (YYYY-MM-DD).": "第一天（YYYY-MM-DD）。",
    "Last day (YYYY-MM-DD).": "最后一天（YYYY-MM-DD）。",
    "Project id or name.": "项目编号或名称。",
    "Processes, 1 to 256 (default: all cores).": "进程数，1 到 256（默认：全部 CPU 核）。",
    # the root's commands and groups (``datamill --help``)
    "datamill: design, collect, annotate, inspect and deliver AI training data.":
        "datamill：设计、采集、标注、质检并交付 AI 训练数据。",
    "Projects: create from a dataset spec, list, show, dashboard, add-member, set-spec, "
    "speakers.": "项目：按数据集规格创建、列出、查看、看板、添加成员、修改规格、说话人。",
    "Raw data: import, automatic checks, pre-annotation.": "原始数据：导入、自动检查、预标注。",
    "Work packages, assignment, annotation and review.": "工作包、分配、标注与审核。",
    "Batches and sampling inspection.": "批次与抽样检验。",
    "Aggregation of overlapping answers and agreement.": "重叠答案的汇总与一致性。",
    "Deliveries and customer acceptance.": "交付与客户验收。",
    "Users and API tokens.": "用户与 API 令牌。",
    "Contracts, orders, budgets, costs, revenue, WIP and finance export.":
        "合同、订单、预算、成本、收入、在制品与财务导出。",
    "Vendors, workers, qualification, prices, settlement and hour points.":
        "供应商、人员、资格、价格、结算与工时点。",
    "The audit trail: list or export who did what, verify it, sign checkpoints.":
        "审计记录：列出或导出谁做了什么，校验记录，签署检查点。",
    "Data security: encryption keys, classification, export, consent, surveying, "
    "desensitization.": "数据安全：加密密钥、定级、出境、知情同意、测绘、脱敏。",
    "Text corpora for text projects.": "文本项目的文本语料。",
    "Catalog datasets: releases, licences, transfer links, reports.":
        "目录数据集：发布版本、许可、传输链接、报告。",
    "Retention of custom-project backups (deletion certificates).":
        "定制项目备份的保存期限（删除证明）。",
    "Corpus design: choose recording prompts that cover the units.":
        "语料设计：挑选覆盖各单元的录音提示文本。",
    "Collection: speaker quotas, prompts, consent texts, invitation links, re-recording.":
        "采集：说话人配额、提示文本、知情同意书、邀请链接、重录。",
    "Exit codes: 0 done; 1 unexpected failure; 2 invalid input or usage; 3 not found; "
    "4 conflict; 5 unauthorized; 6 forbidden; 7 audit trail broken (audit verify); "
    "10 nothing to do (e.g. no task left: stop looping). With --json, stdout is JSON in every "
    'case; failures print {"error": {"code": ..., "message": ...}}.':
        "退出码：0 完成；1 意外失败；2 输入或用法无效；3 未找到；4 冲突；5 未认证；6 无权限；"
        "7 审计记录已损坏（audit verify）；10 无事可做（例如没有剩余任务：停止循环）。"
        '使用 --json 时标准输出一律为 JSON；失败时输出 {"error": {"code": ..., "message": ...}}。',
    **CORE_HELP_ZH_CN,
    **LEDGER_HELP_ZH_CN,
    **WORKFORCE_HELP_ZH_CN,
    **SECURITY_HELP_ZH_CN,
    **LOOP_HELP_ZH_CN,
    **CATALOG_HELP_ZH_CN,
}

#: the root's commands whose help is a whole docstring: their line in ``datamill --help``
_ROOT_SHORT_ZH = {
    "serve": "在本机回环地址（127.0.0.1:8000）运行 HTTP API（及网页界面）。",
    "db-upgrade": "把所配置的数据库升级到最新结构（Alembic）。",
    "demo": "构建真实的演示项目：导入、检查、预标注、打包（--full：直到交付）。",
}

#: the English of Typer's constants, kept to speak English again after a Chinese run
_TYPER_EN: dict[str, str] = {}
_TYPER_ZH = {
    "ARGUMENTS_PANEL_TITLE": "参数", "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令", "ERRORS_PANEL_TITLE": "错误", "ABORTED_TEXT": "已中止。",
    "DEFAULT_STRING": "[默认：{}]", "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量：{}]", "DEPRECATED_STRING": "（已弃用）",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}


def _usage_formatter(prefix: str) -> type[Any]:
    from typer._click.formatting import HelpFormatter

    class _Formatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix_: str | None = None) -> None:
            super().write_usage(prog, args, prefix if prefix_ is None else prefix_)

    return _Formatter


_FORMATTERS: dict[str, type[Any]] = {}
#: (object, attribute, English) of every help text worded: put back for an English run (a
#: process that keeps its command tree, as the tests' does, runs both)
_WORDED: list[tuple[Any, str, Any]] = []


def _word(obj: Any, attr: str, said: str) -> None:
    _WORDED.append((obj, attr, getattr(obj, attr)))
    setattr(obj, attr, said)


def speak_typer(lang: str) -> None:
    """Typer's help pages and error panels in ``lang`` for this run (English restores them)."""
    from typer import rich_utils
    from typer._click.core import Context
    from typer._click.formatting import HelpFormatter

    if not _TYPER_EN:
        _TYPER_EN.update({name: getattr(rich_utils, name) for name in _TYPER_ZH})
    words = _TYPER_EN if lang == "en" else _TYPER_ZH
    for name, value in words.items():
        setattr(rich_utils, name, value)
    while _WORDED:  # each run words its own help texts
        obj, attr, english = _WORDED.pop()
        setattr(obj, attr, english)
    if lang == "en":
        Context.formatter_class = HelpFormatter
    else:
        Context.formatter_class = _FORMATTERS.setdefault(lang, _usage_formatter("用法："))


def worded_help(command: Any, lang: str) -> None:
    """The help texts of ``command`` and everything under it in ``lang``, where
    :data:`ZH_CN_HELP` has them (the rest stays English)."""
    if lang == "en":
        return
    for name, said in _ROOT_SHORT_ZH.items():
        sub = (getattr(command, "commands", None) or {}).get(name)
        if sub is not None:
            _word(sub, "short_help", said)
    for path, said in LEDGER_SHORT_ZH_CN.items():  # a group's listing, by command path
        node = command
        for name in path.split():
            node = (getattr(node, "commands", None) or {}).get(name)
        if node is not None:
            _word(node, "short_help", said)
    for node in _walk(command):
        for attr in ("help", "short_help", "epilog"):
            text = getattr(node, attr, None)
            if isinstance(text, str):
                key = " ".join(text.split())
                if key in ZH_CN_HELP:
                    _word(node, attr, ZH_CN_HELP[key])
        for param in getattr(node, "params", ()):
            text = getattr(param, "help", None)
            if isinstance(text, str) and " ".join(text.split()) in ZH_CN_HELP:
                _word(param, "help", ZH_CN_HELP[" ".join(text.split())])


def _help_option_words(node: Any) -> None:
    """The ``--help`` option of ``node`` worded (Typer makes it on first use, in English)."""
    from typer._click.core import Context

    option = node.get_help_option(Context(node))
    if option is not None and option.help in ZH_CN_HELP:
        _word(option, "help", ZH_CN_HELP[option.help])


def run_root(root: Any, main: Callable[[], Any], *, as_json: bool, lang: str) -> Any:
    """Run the root command (``main``: Typer's, not standalone) with its usage errors in
    ``lang``: with ``--json`` one JSON error object on stdout (the English ``message``; the
    worded one as ``detail``), else Typer's error panel with the sentence worded."""
    from typer import Abort, TyperException, rich_utils
    from typer._click.exceptions import UsageError

    from datamill.cli._json_out import _write_json, error_payload

    speak_typer(lang)
    if lang != "en":
        worded_help(root, lang)
        for node in _walk(root):
            _help_option_words(node)
    try:
        rv = main()
    except TyperException as err:  # Click's UsageError and friends
        code = int(getattr(err, "exit_code", 2))
        fmt = getattr(err, "format_message", None)
        english = fmt() if callable(fmt) else str(err)
        said = usage_error(english, lang)
        if as_json:
            _write_json(error_payload("usage", english,
                                      **({"detail": said} if said != english else {})))
        elif type(err).__name__ != "NoArgsIsHelpError":  # the help is printed already
            rich_utils.rich_format_error(UsageError(said, getattr(err, "ctx", None)))
        sys.exit(code)
    except Abort:
        if as_json:
            _write_json(error_payload("aborted", "aborted"))
        else:
            rich_utils.rich_abort_error()
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)


def _walk(command: Any) -> list[Any]:
    found = [command]
    for sub in (getattr(command, "commands", None) or {}).values():
        found.extend(_walk(sub))
    return found
