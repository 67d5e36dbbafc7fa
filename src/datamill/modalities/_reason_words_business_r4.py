"""The refusal words of the business side's round-4 findings (h4: a user's role changed by an
admin, the last admin kept), English and zh-CN, gathered into the reason-code registry by
``_reason_words_areas``."""

from __future__ import annotations

__all__ = ["BUSINESS_R4_EN", "BUSINESS_R4_ZH_CN"]

BUSINESS_R4_EN: dict[str, str] = {
    "last_admin": "{username!r} is the last active admin: make another user an admin first "
                  "(`datamill user set-role NAME --role admin`), then {what}",
    "role_unchanged": "{username!r} already has the role {role!r}",
    "licence_rejection_reason": "Refusing licence {number}'s delivery says why (1 to {most} "
                                "characters): what the package lacks.",
    "licence_rejection_accepted": "Licence {number} was accepted on {accepted_on}: an accepted "
                                  "delivery is not refused.",
    "licence_rejection_revoked": "Licence {number} was revoked on {revoked_on}: there is no "
                                 "delivery to refuse.",
    "licence_rejection_undelivered": "Licence {number} is not delivered (again) yet: a delivery "
                                     "is refused after its download.",
    "approver_customer": "{username!r} is a customer's account: a ledger approver is a person "
                         "of the company.",
    "customer_name_twin": "Customer {name!r} is registered already, as {existing!r} (id "
                          "{customer_id}): use that customer.",
    "customer_name_blank": "A customer has a name.",
    "vendor_name_twin": "Vendor {name!r} is registered already, as {existing!r} (id "
                        "{vendor_id}): use that vendor.",
    "vendor_name_blank": "A vendor has a name.",
}

BUSINESS_R4_ZH_CN: dict[str, str] = {
    "last_admin": "{username} 是最后一位在用的管理员：请先让另一位用户成为管理员"
                  "（`datamill user set-role 用户名 --role admin`），再执行此操作。",
    "role_unchanged": "{username} 的角色已经是 {role}",
    "licence_rejection_reason": "拒收授权 {number} 的交付须说明原因（1 至 {most} 个字符）：数据包缺少什么。",
    "licence_rejection_accepted": "授权 {number} 已于 {accepted_on} 验收：已验收的交付不能拒收。",
    "licence_rejection_revoked": "授权 {number} 已于 {revoked_on} 撤销：没有可拒收的交付。",
    "licence_rejection_undelivered": "授权 {number} 尚未（重新）交付：下载之后才能拒收交付。",
    "approver_customer": "{username} 是客户账号：账务审批人须是本公司人员。",
    "customer_name_twin": "客户“{name}”已登记为“{existing}”（编号 {customer_id}）：请使用该客户。",
    "customer_name_blank": "客户须有名称。",
    "vendor_name_twin": "供应商“{name}”已登记为“{existing}”（编号 {vendor_id}）：请使用该供应商。",
    "vendor_name_blank": "供应商须有名称。",
}
