"""The words of ``datamill security`` (classification and clearance, export, surveying,
consent, desensitization, keys) for people, in English and zh-CN; merged into the CLI's
catalogue through :mod:`datamill.cli._words_erasure`. The levels are the pages' words
(``sec.level.*``)."""

from __future__ import annotations

from datamill.cli._words_clearance_h20 import CLEARANCE_H20_EN, CLEARANCE_H20_ZH_CN

__all__ = ["SECURITY_EN", "SECURITY_ZH_CN"]

SECURITY_EN: dict[str, str] = {
    "seclevel.public": "public", "seclevel.internal": "internal",
    "seclevel.confidential": "confidential", "seclevel.secret": "secret",
    "sec.required": "required", "sec.not_required": "not required",
    "sec.status": "project {project}: classified {level}; surveying {surveying}",
    "sec.abroad": "abroad to {destination}", "sec.domestic": "domestic",
    "sec.export": "export: {where}; delivery ",
    "sec.allowed": "allowed", "sec.blocked": "BLOCKED",
    "sec.consents": "consents: {consents}, open withdrawal flags: {flags}",
    "sec.classified": "project {project} classified {level}",
    "sec.item_classified": "item {item} classified {level}",
    "sec.cleared": "{username} cleared for {level}",
    "sec.export_flag": "project {project}: {where}", "sec.exports_to": "exports to {destination}",
    "sec.assessed": "assessment {id} recorded: {conclusion}",
    "sec.rule_added": "exports to {country} need a {requirement}",
    "sec.rule_removed": "rule {country} removed",
    "sec.configured": "configured: {configured}",
    "sec.surveying": "project {project}: surveying qualification {surveying}",
    "sec.surveying_granted": "surveying qualification {id} (grade {grade}) granted",
    "sec.surveying_revoked": "surveying qualification {id} revoked",
    "sec.consent_added": "consent {id} of {subject!r} ({scope}) recorded",
    "sec.consent_withdrawn": "consent of {subject!r} withdrawn: {items} item(s), {removed} removed "
                             "from open batches, {flagged} delivered item(s) flagged",
    "sec.flags_resolved": "{n} withdrawal flag(s) resolved: items {items}",
    "sec.col.id": "id", "sec.col.subject": "subject", "sec.col.scope": "scope",
    "sec.col.given": "given", "sec.col.withdrawn": "withdrawn",
    "sec.flagged": "{n} delivered item(s) flagged",
    "sec.desensitized": "texts: {written} written, {pii} held PII {kinds}; images: {masked} "
                        "masked, {regions} regions",
    "sec.warning": "warning",
    "sec.on": "encryption at rest ON", "sec.on_key": " (master key {master})",
    "sec.off": "encryption at rest OFF", "sec.off_hint": ": set DATAMILL_MASTER_KEY_FILE",
    "sec.wrapped": "  {scope}: {data_key} wrapped by {master}",
    "sec.no_consent": " (no consent had been recorded; the withdrawal is)",
    "sec.consent_kept": "; consent still given for {scopes}: the items stay",
    "sec.key_written": "master key {master} written to {path}",
    "sec.rewrapped": "{n} data key(s) re-wrapped under {master}",
    "sec.already_wrapped": " (already under it: {n})", "sec.configure_new": "; now configure the new key",
    "sec.blobs_checked": "{done}/{total} blobs checked",
    "sec.encrypted": "{n} blob(s) encrypted, {already} already encrypted, {plain} left plaintext "
                     "(content does not match name)",
    "sec.decrypted": "{n} file(s) decrypted to {out} and checked against manifest.json",
    "sec.purged": "{n} decrypted copies removed", "sec.purged.one": "{n} decrypted copy removed",
    "security.remasked_upright": "{n} masked image(s) an older release made sideways were "
                                 "masked again, upright",
    **CLEARANCE_H20_EN,
}

SECURITY_ZH_CN: dict[str, str] = {
    "seclevel.public": "公开", "seclevel.internal": "内部",
    "seclevel.confidential": "机密", "seclevel.secret": "绝密",
    "sec.required": "必需", "sec.not_required": "不需要",
    "sec.status": "项目 {project}：密级 {level}；测绘资质 {surveying}",
    "sec.abroad": "出境至 {destination}", "sec.domestic": "境内",
    "sec.export": "数据出境：{where}；交付：",
    "sec.allowed": "允许", "sec.blocked": "已阻止",
    "sec.consents": "授权同意：{consents} 份，未处理的撤回标记：{flags} 个",
    "sec.classified": "项目 {project} 的密级已设为 {level}",
    "sec.item_classified": "条目 {item} 的密级已设为 {level}",
    "sec.cleared": "{username} 的涉密许可已设为 {level}",
    "sec.export_flag": "项目 {project}：{where}", "sec.exports_to": "出境至 {destination}",
    "sec.assessed": "评估 {id} 已记录：{conclusion}",
    "sec.rule_added": "出境至 {country} 需要：{requirement}",
    "sec.rule_removed": "规则 {country} 已删除",
    "sec.configured": "已配置：{configured}",
    "sec.surveying": "项目 {project}：测绘资质 {surveying}",
    "sec.surveying_granted": "测绘资质 {id}（等级 {grade}）已授予",
    "sec.surveying_revoked": "测绘资质 {id} 已撤销",
    "sec.consent_added": "{subject!r} 的授权同意 {id}（{scope}）已记录",
    "sec.consent_withdrawn": "{subject!r} 已撤回授权同意：涉及 {items} 个条目，{removed} 个已移出未关闭的"
                             "批次，{flagged} 个已交付条目被标记",
    "sec.flags_resolved": "已处理 {n} 个撤回标记：条目 {items}",
    "sec.col.id": "编号", "sec.col.subject": "主体", "sec.col.scope": "范围",
    "sec.col.given": "同意时间", "sec.col.withdrawn": "撤回时间",
    "sec.flagged": "{n} 个已交付条目被标记",
    "sec.desensitized": "文本：已写入 {written} 个，其中 {pii} 个含个人信息 {kinds}；图像：已遮盖 "
                        "{masked} 张，{regions} 个区域",
    "sec.warning": "警告",
    "sec.on": "静态加密：已开启", "sec.on_key": "（主密钥 {master}）",
    "sec.off": "静态加密：未开启", "sec.off_hint": "：请设置 DATAMILL_MASTER_KEY_FILE",
    "sec.wrapped": "  {scope}：{data_key}，由主密钥 {master} 封装",
    "sec.no_consent": "（此前未记录授权同意；撤回已记录）",
    "sec.consent_kept": "；仍有 {scopes} 范围的授权同意：这些条目保留",
    "sec.key_written": "主密钥 {master} 已写入 {path}",
    "sec.rewrapped": "已用 {master} 重新封装 {n} 个数据密钥",
    "sec.already_wrapped": "（已由其封装：{n} 个）", "sec.configure_new": "；现在请配置新密钥",
    "sec.blobs_checked": "已检查 {done}/{total} 个存储文件",
    "sec.encrypted": "已加密 {n} 个存储文件，{already} 个此前已加密，{plain} 个保持明文（内容与文件名不符）",
    "sec.decrypted": "已解密 {n} 个文件到 {out}，并已按 manifest.json 核对",
    "sec.purged": "已删除 {n} 个解密副本", "sec.purged.one": "已删除 {n} 个解密副本",
    "security.remasked_upright": "旧版本按侧躺方向生成的 {n} 张脱敏图片已按正向重新脱敏",
    **CLEARANCE_H20_ZH_CN,
}
