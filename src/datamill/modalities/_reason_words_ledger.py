"""The words of the ledger's coded refusals (``reason_code``), English and zh-CN.

Data only, merged at the end of :data:`datamill.modalities._reason_words.EN_REASONS` and
``ZH_CN_REASONS``. The English is the service's own sentence with its values named (a face
shows an English reader the service's sentence itself); the zh-CN is what a Chinese reader
sees instead. ``tests/unit/test_books_refusal_codes.py`` checks that every refusal of
``datamill.ledger`` carries a code worded here, with the values its words name.
"""

from __future__ import annotations

__all__ = ["LEDGER_REFUSALS_EN", "LEDGER_REFUSALS_ZH_CN"]

LEDGER_REFUSALS_EN: dict[str, str] = {
    "date_in_future": "{what} is dated {value}, after today ({today}): record it on the day it "
                      "happens, dated that day or earlier",
    "date_out_of_range": "{what} is dated {value}: a posting date lies in {MIN_YEAR}..{MAX_YEAR} "
                         "and at most a year ahead (until {value_2})",
    "credit_grade_not_yours": "'{username}' may register the customer but not set its credit grade "
                              "({credit_grade}): credit limits and terms are finance's; leave the "
                              "grade out (the default applies) and ask finance to grade the customer",
    "cost_event_unknown": "no cost event with id {event_id}",
    "asset_dates_order": "an asset leaves use after it starts",
    "depreciation_over_budget": "the depreciation of {asset} up to final accounts ({amount}, {days} "
                                "days) is over project {project_id}'s {stage} / equipment budget "
                                "line: approve a budget with room for it first",
    "period_form": "'{period}' is not a period (YYYY-MM)",
    "period_year_range": "period {period}: years run {MIN_YEAR}..{MAX_YEAR}",
    "asset_exists": "asset '{key}' already exists",
    "decimal_not_float": "{field} must be a decimal string, not a float",
    "decimal_negative": "{field} {d} must be zero or more{bound}",
    "no_price_system": "no price system is installed (entry point datamill.price_system)",
    "deliverable_volume_positive": "deliverable volume must be positive",
    "plan_total_too_large": "the plan comes to {total}, beyond the {MAX_TOTAL} a budget holds; "
                            "check the volume, ratio and prices",
    "not_a_number": "{field} '{value}' is not a number",
    "price_missing_for_plan": "the price system has no price for {stage} × {modality} × {group} "
                              "on {on}; set one or give the {what} price",
    "price_unit_not_hours": "the price system counts {stage} per {unit}; the plan is in hours, "
                            "so give the {what} price per hour",
    "approval_role_unknown": "unknown approval role '{approval_role}'; available: {value}",
    "budget_project_closed": "project {project_id} is closed; its budget is frozen",
    "budget_version_open": "budget v{version} of project {project_id} is still {open_version_status}; "
                           "decide it before starting another version",
    "budget_submit_not_draft": "budget {budget_id} is {b_status}; only a draft can be submitted",
    "decision_form": "decision must be approve or reject, not '{decision}'",
    "approval_out_of_order": "{subject_type} {subject_id} awaits level {level} of {required} ({needed_role}); "
                             "{who} is {value}: approvals go in order, each by its role",
    "rejection_reason_missing": "a rejection needs a reason",
    "budget_approve_not_submitted": "budget {budget_id} is {b_status}; only a submitted budget "
                                    "is approved",
    "cost_category_unknown": "unknown cost category '{category}'; available: {value}",
    "budget_line_duplicate": "two lines for stage '{stage}' / {category}: one line per stage and "
                             "category",
    "contract_status_unknown": "unknown contract status '{status_value}'; available: {value}",
    "approval_step_unknown": "unknown approval step '{step}'; available: price, signing",
    "decision_approve_reject": "decision must be approve or reject",
    "rejection_needs_reason": "a rejection needs its reason",
    "contract_step_state": "contract {number} is {row_status}: the {step} approval needs a {before} "
                           "contract (draft → price → signing → signed), or a signed one with an "
                           "amendment or a cancellation pending",
    "contract_sign_state": "contract {number} is {row_status}: it is signed after its price and "
                           "signing approvals",
    "amendment_reason_missing": "an amendment needs its reason",
    "amend_not_signed": "contract {number} is {row_status}: only a signed contract is amended",
    "contract_amount_same": "contract {number} is already {new} {currency}",
    "cancel_costs_pending": "costs {value} await approval or are dated after {on}: decide or correct "
                            "them before the cancellation",
    "contract_already_state": "contract {number} is already {row_status}",
    "cancellation_reason_missing": "a cancellation needs its reason",
    "contract_cancel_kind": "contract {number} is a {row_kind} contract: its cancellation goes "
                            "through its price and signing approvals",
    "cost_reversal_of_reversal": "cost {cost_id} ({source_ref}, {amount}) is itself a reversal "
                                 "or reduction; post the cost again instead",
    "cost_from_event": "cost {cost_id} ({source_ref}) was booked from event {event_id}; correct "
                       "it at its source (a settlement sheet by a correction sheet)",
    "cost_reversed_already": "cost {cost_id} was already reversed by cost {reversal_id} on {value}",
    "reversal_reason_missing": "give the reason for reversing the cost",
    "costs_project_closed": "project {project_id} is closed (final accounts {closed_on}); its costs "
                            "are final",
    "date_before_contract": "{what} is dated {value}, more than a year before its contract was "
                            "signed on {value_2}: check the date",
    "data_service_fields": "a data-service cost names its supplier, besides the project, stage, "
                           "quantity, unit price and amount",
    "data_service_qty_price": "a data-service claim gives the quantity and the unit price (the "
                              "amount is their product); missing: {value}",
    "cost_amount_product": "amount {given} is not quantity × unit price ({qty} × {price} = {computed_2}); "
                           "leave the amount out or give that",
    "cost_source_ref_used": "a cost with source_ref '{source_ref}' is already booked",
    "cost_currency_cny": "costs are booked in CNY, not {currency}; convert at the spot rate of "
                         "the transaction date first",
    "reduction_project_closed": "project {project_id} is closed (final accounts {closed_on}); its "
                                "costs are final and take no reduction",
    "reduction_below_zero": "reducing project {project_id}'s {category} cost on {stage} by {amt} "
                            "would take it below zero: only {booked_2} is booked there; book the "
                            "cost it corrects first",
    "data_service_supplier": "a data-service claim names its supplier",
    "days_used_range": "days used must be 1..366, not {days_used}",
    "cost_not_pending": "cost {cost_id} is {row_status}; only over-budget costs await approval",
    "cost_project_closed": "project {project_id} is closed; it accepts no more costs",
    "quantity_q4_range": "{field} {value} must be positive, at most {Q4_MAX} and have at most "
                         "4 decimal places",
    "cost_amount_missing": "the cost's amount is missing",
    "credit_grade_reason_missing": "a credit grade change needs its reason",
    "reason_too_long": "the reason is longer than {MAX_REASON} characters",
    "event_field_missing": "event payload lacks '{field}'",
    "event_decimal_form": "event {field} '{raw}' is not a decimal string",
    "reduction_event_sign": "settlement.reduced event {ev_id} carries {amount}: a reduction is "
                            "negative",
    "over_budget_reason_missing": "give the reason for spending over the budget",
    "event_nothing_to_book": "nothing to book for event {event_id}: {why}",
    "event_incurred_on_form": "event incurred_on '{value}' is not a date",
    "event_month_form": "event month '{month}' is not YYYY-MM",
    "event_booked_on_form": "event booked_on '{raw}' is not a date",
    "final_events_unbooked": "domain events {events} of project {project_id} are not booked yet: "
                             "every expense and acceptance must be in before final accounts (datamill "
                             "ledger sync)",
    "final_costs_pending": "costs {value} of project {project_id} still await over-budget approval: "
                           "every expense must be in before final accounts",
    "project_closed_on": "project {project_id} was closed on {closed_on}",
    "final_reviewer_role": "final accounts are reviewed by finance ({value}); {value_2} holds {value_3}",
    "final_reviewed_already": "the final accounts of project {project_id} were already reviewed",
    "final_not_reviewed": "the final accounts of project {project_id} have not been reviewed: a "
                          "finance reviewer checks them first (datamill ledger review-final)",
    "final_same_person": "the final accounts of project {project_id} were reviewed by this user: "
                         "a second person closes them",
    "wip_expensed_project": "project {project_id} is {project_type}: its spend is expensed, there "
                            "is no WIP to test",
    "wip_project_closed": "project {project_id} is closed; its WIP has been carried",
    "cost_to_complete_reason": "the PM's cost to complete needs its reasoning (reason=...)",
    "account_mapping_unreadable": "cannot read account mapping {path}: {err}",
    "account_key_unknown": "{path}:{n}: unknown posting key '{key}'; available: {value}",
    "account_code_empty": "{path}:{n}: empty account code for {key}",
    "event_date_form": "event {field} '{value}' is not a date",
    "licence_event_no_order": "licence event without a ledger order",
    "choice_unknown": "unknown {field} '{value}'; available: {value_2}",
    "control_character": "{field} '{value}' holds a control character; type it on one line without "
                         "control characters",
    "currency_unknown": "currency '{currency}' is not an ISO 4217 code datamill books in; available: "
                        "{value}",
    "vat_rate_range": "vat_rate {value} must be a fraction from 0 up to (not including) 1, e.g. "
                      "0.06 for 6 %",
    "vat_rate_decimals": "vat_rate {value} has more than four decimal places",
    "customer_country_code": "country '{country}' is not an ISO 3166 alpha-2 code (CN, US, DE, JP ...)",
    "order_contract_not_signed": "contract {number} is {contract_status}: orders are split off "
                                 "signed contracts only",
    "acceptance_type_range": "acceptance type must be 1, 2 or 3, not {acceptance_type}",
    "order_currency_mismatch": "order currency {value} does not match contract {number}'s currency "
                               "{currency}; an order must match its contract",
    "total_volume_range": "total volume must be positive and at most {MAX_VOLUME}, not {total_volume}",
    "order_nothing_to_book": "order {number}: {amt} {currency} at {rate} CNY per {currency} is "
                             "{amount_cny} CNY, nothing to book; check the amount and the fx rate",
    "order_amendment_reason": "an order amendment needs its reason",
    "order_amend_not_open": "order {number} is {row_status}: only an open order is amended",
    "order_volume_below_accepted": "the total volume of order {number} must be positive, at most "
                                   "{MAX_VOLUME} and not below the {accepted_2} {volume_unit} "
                                   "already accepted, not {total_volume}",
    "key_exists": "{what} '{key}' already exists",
    "order_exceeds_contract": "order {number} ({amt} {currency}) exceeds what is left of contract "
                              "{number_2}: {amount} − {split} already in orders = {value}; amend "
                              "the contract first",
    "order_fx_rate_missing": "a {currency} order needs fx_rate (CNY per {currency} on the contract "
                             "date)",
    "fx_rate_range": "fx_rate {fx_rate} must be positive, at most {MAX_FX_RATE} CNY per {currency}",
    "period_run_already": "period {period} was already run ({row_status}); to run it again (it "
                          "must give the identical result) add --rerun on the command line, or "
                          "send \"rerun\": true to the API (rerun=True in Python)",
    "period_events_unbooked": "workforce events {pending} are not booked yet: every expense must "
                              "be in before the period closes (datamill ledger sync)",
    "period_not_run": "period {period} has not been run",
    "period_state_already": "period {period} is already {row_status}",
    "period_events_pending": "workforce events {pending} are still pending",
    "period_figures_changed": "period {period}'s figures changed since its run (a posting dated "
                              "in it?): re-run it (datamill ledger period-close --rerun; API: \"rerun\": true) "
                              "and review the new report before confirming it",
    "closed_period_changed": "period {period} is closed and its figures have changed since (a back-dated "
                             "posting?): correct it in the open period",
    "reopen_reason_missing": "reopening a closed period needs a written reason",
    "ledger_project_exists": "production project '{prod_name}' already has ledger project {ledger_project_id}",
    "project_type_fixed": "project {project_id} is {project_type}; a project's type is fixed at "
                          "creation and cannot become {new_type}. Open a separate project instead",
    "rnd_project_no_order": "project '{prod_name}' is product development (R&D expense): it has "
                            "no performance order; licence orders are recognised with recognise_licence",
    "project_order_missing": "project '{prod_name}' is {project_type}: give the performance order "
                             "it fulfils",
    "order_offering_mismatch": "order {number} is a {offering} order; a {project_type} project "
                               "fulfils a custom order",
    "order_has_project": "order {number} already has project {taken_id}; one performance order "
                         "→ exactly one project",
    "guidance_margin_range": "guidance margin must be in [0, 1), not {guidance_margin}",
    "project_stage_unknown": "project '{project_name}' has no stage '{stage}'; its stages: {value}",
    "sample_items_missing": "name at least one item for the self-test sample",
    "sample_too_large": "a self-test samples at most {MAX_SAMPLE} items, not {value}",
    "sample_workers_missing": "name at least one in-house worker for the self-test",
    "amount_q4_range": "{field} {value} must be above zero, at most {MAX_AMOUNT} and have at "
                       "most 4 decimal places",
    "unit_length": "the unit is 1 to 16 characters",
    "budget_other_project": "budget {budget_id} is not a budget of project {project_id}",
    "budget_hours_too_large": "{hours} annotation hours is beyond what a budget line holds",
    "user_deactivated": "'{user}' is deactivated",
    "order_money_currency": "{what} on order {number} is in {order_currency} (the order's currency) "
                            "or CNY, not {cur}: convert it first, or give the order's currency",
    "amount_too_small": "{amt} {cur} at {fx_rate} CNY per {cur} is {cny} CNY: too small to book",
    "order_cancelled": "order {number} is cancelled",
    "invoice_amount_positive": "the invoice amount must be positive",
    "receipt_over_amount": "receiving {amt} CNY brings order {number} to {value} CNY, above its "
                           "amount including VAT {most} CNY; it may receive at most {value_2} more",
    "acceptance_other_order": "acceptance {acceptance_id} is not an acceptance of order {number}",
    "invoice_before_acceptance": "an invoice for an accepted delivery is issued after the acceptance",
    "advance_invoice_amount": "give the amount of an advance invoice",
    "invoice_exists": "invoice '{key}' already exists",
    "invoice_other_order": "invoice {invoice_id} is not an invoice of order {number}",
    "receipt_exists": "receipt '{key}' already exists",
    "total_volume_positive": "total volume must be positive",
    "accepted_volume_range": "accepted volume {accepted_volume} outside 0..{total_volume}",
    "order_type3_batches": "order {number} is type 3: it is recognised batch by batch from accepted "
                           "volume",
    "order_is_licence": "order {number} is a licence: use recognise_licence",
    "order_no_project": "order {number} has no project: costs and WIP live on a project",
    "order_not_licence": "order {number} is {offering}, not a product licence",
    "licence_order_state": "licence order {number} is already {order_status}",
    "licence_accepted_before_delivery": "a licence is accepted after its delivery",
    "final_costs_after_close": "costs {later} are dated after {closed_on}; close on or after the "
                               "last cost's date",
    "project_no_order": "project {project_id} has no performance order",
    "final_type3_not_accepted": "order of project {project_id} is not finally accepted; final accounts "
                                "of a type-3 order follow the last batch's acceptance",
    "date_range_order": "the range ends on {value}, before it starts on {value_2}: give the earlier "
                        "date first",
    "reversal_cost_pending": "cost {cost_id} is {cost_status}, not posted: reject it in its over-budget "
                             "approval instead",
    "reversal_cost_not_posted": "cost {cost_id} is {cost_status}, not posted: nothing to reverse",
    "event_booked_already": "event {event_id} is already {receipt_status}",
    "minor_units": "{currency} allows fewer decimal places than {amount} has",
    "invoice_over_amount": "invoicing {amt} CNY brings order {number} to {invoiced} CNY, above "
                           "its amount {amount_cny} CNY; at most {remainder} CNY more",
    "no_books_yet": "project {project_id} has no ledger accounts yet",
}

LEDGER_REFUSALS_ZH_CN: dict[str, str] = {
    "date_in_future": "日期 {value} 晚于今天（{today}）：请在业务发生当天登记，日期为当天或更早。",
    "date_out_of_range": "日期 {value} 超出范围：记账日期须在 {MIN_YEAR}..{MAX_YEAR} 年之间，且"
                         "最晚为一年后（{value_2}）",
    "credit_grade_not_yours": "“{username}”可以登记客户，但不能设定其信用等级（{credit_grade}）"
                              "：信用额度与账期由财务决定；请不填等级（使用默认值），并请财务为"
                              "客户评级。",
    "cost_event_unknown": "没有编号为 {event_id} 的成本事件。",
    "asset_dates_order": "资产的停用日期须晚于启用日期。",
    "depreciation_over_budget": "{asset} 截至决算的折旧（{amount}，{days} 天）超出项目 {project_id} "
                                "的 {stage} / 设备预算行：请先批准留有余额的预算。",
    "period_form": "“{period}”不是会计期间（格式 YYYY-MM）",
    "period_year_range": "期间 {period}：年份须在 {MIN_YEAR}..{MAX_YEAR} 之间。",
    "asset_exists": "资产“{key}”已存在。",
    "decimal_not_float": "{field} 须以十进制字符串给出，不能是浮点数。",
    "decimal_negative": "{field} {d} 须为零或正数{bound}。",
    "no_price_system": "未安装价格体系（入口点 datamill.price_system）",
    "deliverable_volume_positive": "可交付量须为正数。",
    "plan_total_too_large": "计划合计 {total}，超过一份预算可容纳的 {MAX_TOTAL}；请检查数量"
                            "、标产比和单价。",
    "not_a_number": "{field}“{value}”不是数字。",
    "price_missing_for_plan": "价格体系在 {on} 没有 {stage} × {modality} × {group} 的单价；请先"
                              "设定，或直接给出单价。",
    "price_unit_not_hours": "价格体系按 {unit} 计 {stage}；计划以小时计，请给出每小时单价。",
    "approval_role_unknown": "未知的审批角色“{approval_role}”；可选：{value}。",
    "budget_project_closed": "项目 {project_id} 已关闭，其预算已冻结。",
    "budget_version_open": "项目 {project_id} 的预算 v{version} 仍处于 {open_version_status} 状"
                           "态；请先处理它，再新建版本。",
    "budget_submit_not_draft": "预算 {budget_id} 的状态为 {b_status}；只有草稿可以提交。",
    "decision_form": "审批结论须为 approve（批准）或 reject（驳回），不能是“{decision}”。",
    "approval_out_of_order": "{subject_type} {subject_id} 等待第 {level}/{required} 级审批（{needed_role}）"
                             "；{who} 不是该角色：审批须按级依次进行，每级由对应角色审批。",
    "rejection_reason_missing": "驳回须填写理由。",
    "budget_approve_not_submitted": "预算 {budget_id} 的状态为 {b_status}；只有已提交的预算可以"
                                    "审批。",
    "cost_category_unknown": "未知的成本类别“{category}”；可选：{value}。",
    "budget_line_duplicate": "环节“{stage}”/ {category} 有两行：每个环节和类别只能有一行。",
    "contract_status_unknown": "未知的合同状态“{status_value}”；可选：{value}。",
    "approval_step_unknown": "未知的审批步骤“{step}”；可选：price（价格合理性）、signing（签订）",
    "decision_approve_reject": "审批结论须为 approve（批准）或 reject（驳回）",
    "rejection_needs_reason": "驳回须写明理由。",
    "contract_step_state": "合同 {number} 的状态为 {row_status}：{step} 审批需要 {before} 状态的"
                           "合同（草稿 → 价格审批 → 签订审批 → 已签订），或有待审变更/取消的已签"
                           "合同。",
    "contract_sign_state": "合同 {number} 的状态为 {row_status}：合同须先通过价格和签订审批才能"
                           "签订。",
    "amendment_reason_missing": "合同变更须写明理由。",
    "amend_not_signed": "合同 {number} 的状态为 {row_status}：只有已签订的合同可以变更。",
    "contract_amount_same": "合同 {number} 的金额已是 {new} {currency}。",
    "cancel_costs_pending": "成本 {value} 待审批或日期晚于 {on}：请先处理或更正，再取消合同。",
    "contract_already_state": "合同 {number} 已是 {row_status} 状态。",
    "cancellation_reason_missing": "取消合同须写明理由。",
    "contract_cancel_kind": "合同 {number} 是 {row_kind} 合同：其取消须经价格和签订审批。",
    "cost_reversal_of_reversal": "成本 {cost_id}（{source_ref}，{amount}）本身就是冲销或冲减；请"
                                 "重新登记该成本。",
    "cost_from_event": "成本 {cost_id}（{source_ref}）由事件 {event_id} 记账；请在其来源处更正（"
                       "结算单用更正单）",
    "cost_reversed_already": "成本 {cost_id} 已于 {value} 被成本 {reversal_id} 冲销。",
    "reversal_reason_missing": "请填写冲销成本的理由。",
    "costs_project_closed": "项目 {project_id} 已关闭（决算日 {closed_on}），其成本已最终确定。",
    "date_before_contract": "日期 {value} 比合同签订日 {value_2} 早一年以上：请检查日期。",
    "data_service_fields": "数据服务成本须写明供应商，以及项目、环节、数量、单价和金额。",
    "data_service_qty_price": "数据服务报销须给出数量和单价（金额为二者之积）；缺少：{value}。",
    "cost_amount_product": "金额 {given} 不等于数量 × 单价（{qty} × {price} = {computed_2}）；请"
                           "不填金额或填写该值。",
    "cost_source_ref_used": "来源编号为“{source_ref}”的成本已入账。",
    "cost_currency_cny": "成本以人民币入账，不能用 {currency}；请先按交易日即期汇率折算。",
    "reduction_project_closed": "项目 {project_id} 已关闭（决算日 {closed_on}），其成本已确定，"
                                "不能冲减。",
    "reduction_below_zero": "将项目 {project_id} 在 {stage} 的 {category} 成本冲减 {amt} 会使其"
                            "小于零：该处只入账了 {booked_2}；请先登记被更正的成本。",
    "data_service_supplier": "数据服务报销须写明供应商。",
    "days_used_range": "使用天数须在 1..366 之间，不能是 {days_used}。",
    "cost_not_pending": "成本 {cost_id} 的状态为 {row_status}；只有超预算成本需要审批。",
    "cost_project_closed": "项目 {project_id} 已关闭，不再接受成本。",
    "quantity_q4_range": "{field} {value} 须为正数，不超过 {Q4_MAX}，且最多 4 位小数。",
    "cost_amount_missing": "缺少成本金额。",
    "credit_grade_reason_missing": "修改信用等级须写明理由。",
    "reason_too_long": "理由超过 {MAX_REASON} 个字符。",
    "event_field_missing": "事件内容缺少“{field}”。",
    "event_decimal_form": "事件的 {field}“{raw}”不是十进制字符串。",
    "reduction_event_sign": "settlement.reduced 事件 {ev_id} 的金额为 {amount}：冲减须为负数。",
    "over_budget_reason_missing": "请填写超预算支出的理由。",
    "event_nothing_to_book": "事件 {event_id} 没有可记账的内容：{why}。",
    "event_incurred_on_form": "事件的 incurred_on“{value}”不是日期。",
    "event_month_form": "事件月份“{month}”不是 YYYY-MM 格式。",
    "event_booked_on_form": "事件的 booked_on“{raw}”不是日期。",
    "final_events_unbooked": "项目 {project_id} 的领域事件 {events} 尚未入账：决算前所有费用和验"
                             "收都须入账（datamill ledger sync）",
    "final_costs_pending": "项目 {project_id} 的成本 {value} 仍在等待超预算审批：决算前所有费用"
                           "都须入账。",
    "project_closed_on": "项目 {project_id} 已于 {closed_on} 关闭。",
    "final_reviewer_role": "决算由财务（{value}）复核；{value_2} 的角色是 {value_3}。",
    "final_reviewed_already": "项目 {project_id} 的决算已复核。",
    "final_not_reviewed": "项目 {project_id} 的决算尚未复核：须先由财务复核（datamill ledger review-final）",
    "final_same_person": "项目 {project_id} 的决算由本人复核：须由另一人关闭。",
    "wip_expensed_project": "项目 {project_id} 的类型为 {project_type}：其支出直接费用化，没有在"
                            "产品可测试。",
    "wip_project_closed": "项目 {project_id} 已关闭；其在产品已结转。",
    "cost_to_complete_reason": "项目经理的完工尚需成本须写明依据（reason=...）",
    "account_mapping_unreadable": "无法读取科目映射 {path}：{err}。",
    "account_key_unknown": "{path}:{n}：未知的记账键“{key}”；可选：{value}。",
    "account_code_empty": "{path}:{n}：{key} 的科目代码为空。",
    "event_date_form": "事件的 {field}“{value}”不是日期。",
    "licence_event_no_order": "许可事件没有对应的账务订单。",
    "choice_unknown": "未知的 {field}“{value}”；可选：{value_2}。",
    "control_character": "{field}“{value}”含有控制字符；请在一行内输入，不要使用控制字符。",
    "currency_unknown": "币种“{currency}”不是 datamill 记账的 ISO 4217 代码；可选：{value}。",
    "vat_rate_range": "增值税率 {value} 须为 0 到 1 之间（不含 1）的小数，例如 6% 写作 0.06。",
    "vat_rate_decimals": "增值税率 {value} 的小数超过四位。",
    "customer_country_code": "国家“{country}”不是 ISO 3166 两位字母代码（CN、US、DE、JP ……）",
    "order_contract_not_signed": "合同 {number} 的状态为 {contract_status}：只能从已签订的合同拆"
                                 "分订单。",
    "acceptance_type_range": "验收类型须为 1、2 或 3，不能是 {acceptance_type}。",
    "order_currency_mismatch": "订单币种 {value} 与合同 {number} 的币种 {currency} 不一致；订单"
                               "须与合同一致。",
    "total_volume_range": "总量须为正数且不超过 {MAX_VOLUME}，不能是 {total_volume}。",
    "order_nothing_to_book": "订单 {number}：{amt} {currency} 按 {rate} 元/{currency} 折合 {amount_cny} "
                             "元，无可入账金额；请检查金额和汇率。",
    "order_amendment_reason": "订单变更须写明理由。",
    "order_amend_not_open": "订单 {number} 的状态为 {row_status}：只有进行中的订单可以变更。",
    "order_volume_below_accepted": "订单 {number} 的总量须为正数，不超过 {MAX_VOLUME}，且不低"
                                   "于已验收的 {accepted_2} {volume_unit}，不能是 {total_volume}。",
    "key_exists": "“{key}”已存在。",
    "order_exceeds_contract": "订单 {number}（{amt} {currency}）超出合同 {number_2} 的剩余额度："
                              "{amount} − 已拆分订单 {split} = {value}；请先变更合同。",
    "order_fx_rate_missing": "{currency} 订单须给出汇率 fx_rate（合同日每 {currency} 折合人民币）",
    "fx_rate_range": "汇率 {fx_rate} 须为正数，且不超过每 {currency} {MAX_FX_RATE} 元。",
    "period_run_already": "期间 {period} 已运行过（{row_status}）；如需重新运行（结果必须完全一"
                          "致），命令行加 --rerun，或向 API 发送 \"rerun\": true（Python 中"
                          " rerun=True）",
    "period_events_unbooked": "人力事件 {pending} 尚未入账：期间结账前所有费用都须入账（datamill "
                              "ledger sync）",
    "period_not_run": "期间 {period} 尚未运行。",
    "period_state_already": "期间 {period} 已是 {row_status} 状态。",
    "period_events_pending": "人力事件 {pending} 仍待处理。",
    "period_figures_changed": "期间 {period} 的数字自运行后已变化（有记入该期间的过账？）：请重"
                              "新运行（datamill ledger period-close --rerun；API：\"rerun\": true）"
                              "，复核新报告后再确认。",
    "closed_period_changed": "期间 {period} 已结账，但其数字此后有变化（有倒记的过账？）：请在未"
                             "结账的期间更正。",
    "reopen_reason_missing": "反结账须写明理由。",
    "ledger_project_exists": "生产项目“{prod_name}”已有账务项目 {ledger_project_id}。",
    "project_type_fixed": "项目 {project_id} 的类型为 {project_type}；项目类型在创建时确定，不能"
                          "改为 {new_type}。请另建项目。",
    "rnd_project_no_order": "项目“{prod_name}”是产品研发（研发费用化）：没有履约订单；许可订单用"
                            " recognise_licence 确认收入。",
    "project_order_missing": "项目“{prod_name}”的类型为 {project_type}：请给出它履行的履约订单。",
    "order_offering_mismatch": "订单 {number} 是 {offering} 订单；{project_type} 项目只能履行定"
                               "制订单。",
    "order_has_project": "订单 {number} 已有项目 {taken_id}；一个履约订单只对应一个项目。",
    "guidance_margin_range": "指导毛利率须在 [0, 1) 之间，不能是 {guidance_margin}。",
    "project_stage_unknown": "项目“{project_name}”没有环节“{stage}”；其环节：{value}。",
    "sample_items_missing": "请为自测样本至少指定一条数据。",
    "sample_too_large": "一次自测最多抽取 {MAX_SAMPLE} 条数据，不能是 {value} 条。",
    "sample_workers_missing": "请为自测至少指定一名内部作业人员。",
    "amount_q4_range": "{field} {value} 须大于零，不超过 {MAX_AMOUNT}，且最多 4 位小数。",
    "unit_length": "单位为 1 到 16 个字符。",
    "budget_other_project": "预算 {budget_id} 不属于项目 {project_id}。",
    "budget_hours_too_large": "{hours} 标注小时超出一个预算行可容纳的范围。",
    "user_deactivated": "“{user}”已停用。",
    "order_money_currency": "订单 {number} 的金额须以 {order_currency}（订单币种）或人民币计，不"
                            "能是 {cur}：请先折算，或使用订单币种。",
    "amount_too_small": "{amt} {cur} 按 {fx_rate} 元/{cur} 折合 {cny} 元：金额太小，无法入账。",
    "order_cancelled": "订单 {number} 已取消。",
    "invoice_amount_positive": "发票金额须为正数。",
    "receipt_over_amount": "收款 {amt} 元后订单 {number} 的累计收款为 {value} 元，超过其含税金额"
                           " {most} 元；最多还可收 {value_2} 元。",
    "acceptance_other_order": "验收 {acceptance_id} 不是订单 {number} 的验收。",
    "invoice_before_acceptance": "已验收交付的发票须在验收之后开具。",
    "advance_invoice_amount": "请填写预开发票的金额。",
    "invoice_exists": "发票“{key}”已存在。",
    "invoice_other_order": "发票 {invoice_id} 不是订单 {number} 的发票。",
    "receipt_exists": "收款“{key}”已存在。",
    "total_volume_positive": "总量须为正数。",
    "accepted_volume_range": "验收量 {accepted_volume} 超出 0..{total_volume} 的范围。",
    "order_type3_batches": "订单 {number} 为验收类型 3：按批次的验收量逐批确认收入。",
    "order_is_licence": "订单 {number} 是许可订单：请用 recognise_licence。",
    "order_no_project": "订单 {number} 没有项目：成本和在产品记在项目上。",
    "order_not_licence": "订单 {number} 是 {offering}，不是产品许可。",
    "licence_order_state": "许可订单 {number} 已是 {order_status} 状态。",
    "licence_accepted_before_delivery": "许可须在交付之后验收。",
    "final_costs_after_close": "成本 {later} 的日期晚于 {closed_on}；决算日须不早于最后一笔成本"
                               "的日期。",
    "project_no_order": "项目 {project_id} 没有履约订单。",
    "final_type3_not_accepted": "项目 {project_id} 的订单尚未最终验收；验收类型 3 订单的决算在最"
                                "后一批验收之后进行。",
    "date_range_order": "日期范围结束于 {value}，早于开始日 {value_2}：请先填较早的日期。",
    "reversal_cost_pending": "成本 {cost_id} 仍在等待超预算审批，尚未入账：请在超预算审批中驳回"
                             "它。",
    "reversal_cost_not_posted": "成本 {cost_id} 的状态为 {cost_status}，未入账：没有可冲销的内容"
                                "。",
    "event_booked_already": "事件 {event_id} 已是 {receipt_status} 状态。",
    "minor_units": "{currency} 金额 {amount} 的小数位数超过该币种的最小货币单位。",
    "invoice_over_amount": "开票 {amt} 元后订单 {number} 的累计开票额为 {invoiced} 元，超过其金"
                           "额 {amount_cny} 元；最多还可开 {remainder} 元。",
    "no_books_yet": "项目 {project_id} 尚未建账。",
}
