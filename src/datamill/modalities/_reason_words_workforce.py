"""The words of the workforce's coded refusals (``reason_code``), English and zh-CN.

Data only, merged at the end of :data:`datamill.modalities._reason_words.EN_REASONS` and
``ZH_CN_REASONS``. The English is the service's own sentence with its values named (a face
shows an English reader the service's sentence itself); the zh-CN is what a Chinese reader
sees instead. ``tests/unit/test_books_refusal_codes.py`` checks that every refusal of
``datamill.workforce`` carries a code worded here, with the values its words name.
"""

from __future__ import annotations

__all__ = ["WORKFORCE_REFUSALS_EN", "WORKFORCE_REFUSALS_ZH_CN"]

WORKFORCE_REFUSALS_EN: dict[str, str] = {
    "package_no_project": "package without project",
    "vendor_no_stage_worker": "vendor '{vendor_name}' has nobody for the {stage} stage (no active "
                              "worker whose role may {action_value}), so package {pkg_name} would "
                              "be out of everyone's reach: register such a worker with the vendor "
                              "first, or hand the package elsewhere",
    "package_not_with_vendor": "package {pkg_name} is not handed to a vendor",
    "vendor_not_on_list": "vendor '{vendor_name}' is not on the qualified-supplier list; qualify "
                          "it first",
    "package_with_vendor_already": "package {pkg_name} was already handed to vendor '{vendor_name}'",
    "package_assigned_person": "package {pkg_name} is already assigned to a person",
    "package_worker_incomplete": "package without project or worker without user",
    "package_vendor_still_qualified": "package {pkg_name} is handed to vendor '{current_name}', "
                                      "which still qualifies: take it back first (datamill workforce "
                                      "take-back {pkg_id}; DELETE /api/v1/packages/{pkg_id}/vendor) "
                                      "or hand it on with --move (\"move\": true)",
    "package_other_vendor": "package {pkg_name} belongs to vendor {vendor_id}; worker {worker_id} "
                            "does not",
    "package_hand_first": "hand package {pkg_name} to vendor {vendor_id} first",
    "golden_rate_range": "golden rate {value} must be between 0 and {MAX_GOLDEN_RATE}",
    "golden_no_test": "project {project_id} has no qualification test, so no golden items to mix "
                      "in; define the test first",
    "golden_item_missing": "golden item {item_id} is missing",
    "golden_task_gone": "the golden task behind this probe is gone",
    "probe_task_not_held": "'{username}' does not hold this task",
    "task_submitted_already": "this task is already submitted",
    "items_other_project": "items {missing} are not items of project {project_id}",
    "golden_items_not_accepted": "items {refused} are not accepted with an annotation; only an "
                                 "item whose batch was accepted can be marked golden with its annotation "
                                 "as the answer (give the known answer of any other item instead)",
    "golden_nothing_given": "give known answers or accepted items to make golden",
    "golden_threshold_needed": "project {project_id} has no qualification test yet; give a pass "
                               "threshold to define it with these golden items",
    "project_no_qualification_test": "project {project_id} has no qualification test",
    "golden_items_unknown": "items {unknown} are not golden items of project {project_id}",
    "month_form": "month '{month}' must look like 2024-05",
    "hour_points_month_range": "hour points are booked for a month from {FIRST_YEAR}-01 up to this "
                               "month ({today}), not {month}",
    "working_days_range": "{month} cannot have {days} working days",
    "working_days_below_booked": "{month} with {days} working days caps a person at {value} points, "
                                 "but worker {worker_id} already has {booked} booked that month: "
                                 "book their points down first",
    "points_form": "points {pts} must be non-negative with at most 2 decimals",
    "hour_points_in_house": "hour points are for in-house staff; vendor work is settled by volume",
    "worker_no_grade": "worker {worker_id} has no grade, so their points have no price; set a grade "
                       "first",
    "worker_grade_missing": "the worker's grade is missing",
    "points_over_cap": "{value} points in {month} exceed the cap of {cap} (8 × {value_2} working "
                       "days); {others} are already booked to other projects",
    "identity_ref_form": "give the checked document's masked reference (4 to {MAX_REF_CHARS} characters), "
                         "e.g. {EXAMPLE}",
    "identity_ref_digits": "the reference holds {what} (digits are counted whatever the separators, "
                           "spaces, full-width or Chinese numerals): store only a masked reference "
                           "that shows at most {MAX_VISIBLE_DIGITS} digits, e.g. {EXAMPLE}",
    "worker_state_same": "worker {worker_id} is already {value}",
    "manager_not_vendor_worker": "only a vendor's worker can be that vendor's manager",
    "worker_manager_same": "worker {worker_id} is {value} a manager of vendor {vendor_id}",
    "worker_place_same": "worker {worker_id} is already {where}",
    "worker_profile_same": "worker {worker_id} already has that profile: nothing to change",
    "grade_in_house_only": "grades are for in-house staff; vendor workers are paid by volume",
    "grade_unknown": "no grade named '{grade}'; create it first",
    "half_year_form": "half-year '{half}' must look like 2024H1 or 2024H2",
    "price_modality_unknown": "unknown modality '{modality}'; a price is set on a registered modality: "
                              "{value}",
    "unit_unknown": "unknown unit '{unit}'; use one of {value}",
    "language_group_unknown": "language group must be chinese, minority or foreign",
    "unit_price_form": "unit price {price} must be positive with at most 4 decimals",
    "price_deviation_reason": "unit price {price} is {deviation} off {ref_what} {ref}; more "
                              "than 10% needs a written reason (competitor quotes, interviews, "
                              "mock postings ...)",
    "quantity_range": "{field} {d} must be positive, at most {MAX_QUANTITY} and have at most "
                      "4 decimals",
    "line_amount_too_large": "{field} comes to {amount}, beyond the {MAX_AMOUNT} one line may "
                             "hold; check the quantity and the price",
    "text_length": "{field} must be 1 to {limit} characters",
    "approver_admin_only": "only an admin may register approvers; '{username}' is not one",
    "procurement_role_unknown": "unknown procurement role '{role}'; use one of {value} (dept_manager, "
                                "vp, finance roles are ledger approval roles)",
    "procurement_approval_order": "{label} awaits level {level} of {value} ({needed_role}); '{username}' "
                                  "is {value_2}: the levels are {value_3}, signed in that order, "
                                  "each by its role",
    "own_request_approval": "'{username}' raised {label} (or a request combined into it) and may "
                            "not approve it",
    "procurement_budget_exists": "{department} already has a {year} procurement budget",
    "procurement_budget_state": "procurement budget {budget_id} is {b_status}; nothing to sign",
    "procurement_price_missing": "the price system has no {value} price for {stage} × {modality} "
                                 "× {language_group}; procurement sets one before requests are "
                                 "raised",
    "kind_unknown": "kind must be one of {value}, not '{kind}'",
    "price_unit_mismatch": "the price system counts {stage} in {unit}, not {unit_2}",
    "request_price_deviation": "unit price {price} is {deviation_2} off the price system's "
                               "{unit_price} ({half_year}); more than 10% must be explained: give "
                               "a deviation reason",
    "request_state_sign": "purchase request {number} is {r_status}; nothing to sign",
    "combine_two_requests": "combine at least two requests",
    "request_state_combine": "purchase request {number} is {r_status} or already signed; only unsigned "
                             "submitted requests may be combined",
    "requests_differ": "{number} and {number_2} differ in {value}; only similar requests may be "
                       "combined",
    "agreement_number_length": "agreement number must be 1 to 64 characters",
    "settlement_method_length": "settlement method must be 1 to 32 characters",
    "agreement_period_order": "agreement period {valid_from}..{valid_to} ends before it starts",
    "agreement_exists": "framework agreement {number} already exists",
    "agreement_approved_already": "framework agreement {number} was already approved; an agreement "
                                  "is approved once",
    "agreement_approver_role": "framework agreements are approved by procurement; '{username}' "
                               "is {value}",
    "request_not_approved": "purchase request {number} is {req_status}; orders are placed only "
                            "against an approved request (dept. manager → VP → procurement)",
    "po_vendor_not_qualified": "vendor '{vendor_name}' is not on the qualified-supplier list",
    "request_other_vendor": "request {number} is for vendor {vendor_id}, not {vendor_id_2}",
    "request_other_project": "request {number} is for project {project_id}, not {project_id_2}",
    "po_quantity_form": "quantity {qty} must be positive with at most 4 decimals",
    "po_over_request": "request {number} approved {quantity} {unit}; {ordered} are already ordered, "
                       "so {qty} more would exceed it",
    "agreement_price_fields": "price {value} lacks {value_2}",
    "agreement_price_form": "price {value}: unit price {price} must be positive with at most 4 "
                            "decimals",
    "agreement_not_vendors": "framework agreement {number} is not an approved agreement of vendor "
                             "{vendor_id}",
    "agreement_not_valid_on": "framework agreement {number} runs {valid_from}..{valid_to}, not "
                              "on {on}",
    "qualification_required_no_test": "project {project_id} has no qualification test yet, so nobody "
                                      "could pass one: define it first (datamill workforce qualification "
                                      "set PROJECT --golden FILE --threshold 0.95, PUT /api/v1/projects/{project_id}/qualification-test), "
                                      "then require it",
    "pass_threshold_range": "pass threshold {threshold} must be in (0, 1]",
    "qualification_golden_needed": "a qualification test needs at least one golden task",
    "golden_answers_empty": "golden items {empty} have an empty answer",
    "metric_unknown": "unknown metric '{metric}'; {modality} offers {value}",
    "qualification_owner_only": "only the test's owner (user {created_by}) or an admin may revise "
                                "the qualification test of project {project_id}; '{username}' may "
                                "not",
    "golden_items_unchecked": "items {value} have not passed their checks; a golden item must",
    "golden_items_busy": "items {value} are being worked on in production; make an item golden "
                         "before anyone takes it, or once its production is finished (e.g. accepted)",
    "qualification_answers_mismatch": "answer exactly the golden items {value} (missing {unanswered}, "
                                      "not in the test {extra})",
    "qualification_results_hidden": "'{username}' may not see the qualification results of worker "
                                    "{worker_id}",
    "golden_answer_invalid": "a golden answer is not a {modality} answer: {err}",
    "golden_task_taken": "someone took one of these items' tasks just now; try again",
    "item_key_unknown": "no item '{key}' in project {project_id}",
    "not_registered_worker": "'{username}' is not a registered worker and may see no qualification "
                             "results",
    "whole_number": "{field} must be a whole number",
    "number_range": "{field} must be between {low} and {high}, not {number}",
    "whole_number_value": "{field} must be a whole number, not '{value}'",
    "retake_grant_role": "'{username}' may not grant worker {worker_id} another qualification attempt: "
                         "the project's manager may, or the manager of the worker's vendor",
    "retake_not_vendors": "'{username}' may not grant worker {worker_id} an attempt at project "
                          "{project_id}'s test: it was not handed to their vendor (the project's "
                          "manager invites a worker)",
    "settlement_cycle_unknown": "unknown settlement cycle '{cycle}'",
    "identity_unchecked": "individual supplier '{vendor_name}': {names} {value} no identity check; "
                          "verify it before they can be paid (datamill workforce identity {unchecked_2} "
                          "'ID ****1234', POST /api/v1/workers/ID/identity)",
    "sheet_period_ahead": "period {period_start}–{end} begins more than {MAX_AHEAD_DAYS} days from "
                          "today ({today}): a sheet settles work already accepted, in a past, the "
                          "current or the next period",
    "sheet_exists_not_draft": "vendor '{vendor_name}' already has sheet {number} ({existing_status}) "
                              "for {period_start}–{end}; only a draft is redrawn: work accepted "
                              "since goes on the next period's sheet, corrections go on a correction "
                              "sheet",
    "sheet_nothing_accepted": "nothing accepted and unpaid for vendor '{vendor_name}' up to the "
                              "end of {period_start}–{end}",
    "sheet_language_unknown": "no settlement-sheet language '{lang_value}'; use one of {value}",
    "weekly_period_monday": "a weekly period starts on a Monday; did you mean {monday}?",
    "monthly_period_first": "a monthly period starts on the 1st; did you mean {value}?",
    "half_month_period_start": "a half-monthly period starts on the 1st or the 16th",
    "individual_no_person": "individual supplier '{vendor_name}' has no registered person: register "
                            "the individual as the vendor's worker and verify their identity before "
                            "the collected volume can be paid",
    "sheet_price_missing": "no unit price for {stage} × {modality} × {group} in the half-year of "
                           "{period_start}; set one in the price system first",
    "sheet_work_taken": "some of this work was just put on another sheet; draw the sheet up again",
    "sheet_just_created": "a sheet for vendor '{vendor_name}' and {period_start} was just created",
    "correction_of_correction": "sheet {number} is itself a correction; correct the sheet it corrects "
                                "instead",
    "correction_of_voided": "sheet {number} was voided ({void_reason}); it pays nothing, so there "
                            "is nothing to correct",
    "correction_of_draft": "sheet {number} is {original_status}; a draft is redrawn, not corrected",
    "correction_amount_form": "a correction is a non-zero amount in fen (two decimals)",
    "correction_reason_missing": "a correction needs a written reason",
    "sheet_no_vendor": "sheet without vendor",
    "correction_below_zero": "a correction may not take the vendor's total on sheet {number}{on} "
                             "below zero: it stands at {so_far}, so the most this correction may "
                             "deduct is {value}",
    "correction_which_line": "sheet {number} covers several {what}s ({value}); say which one it "
                             "corrects",
    "correction_no_lines": "sheet {number} has no lines for {what} {chosen}; it covers {value}",
    "vendor_confirm_not_draft": "sheet {number} is {sheet_status}; the vendor confirms a draft "
                                "only",
    "vendor_confirm_first": "vendor has not confirmed sheet {number} yet; the vendor confirms first",
    "sheet_state_already": "sheet {number} is already {sheet_status}",
    "sheet_settled_already": "sheet {number} was already settled on {value}",
    "settle_not_confirmed": "sheet {number} is {sheet_status}; only a sheet confirmed by the vendor "
                            "and the business can be settled",
    "settle_negative_net": "sheet {number} has a negative net payable ({net_payable}): it is a "
                           "recovery of {value} from the vendor, not a payment; it is taken off "
                           "the vendor's next sheets as they are drawn, it cannot be settled",
    "payment_method_bank": "payment method '{method}' is not allowed; vendors are paid by bank "
                           "transfer",
    "transfer_reference_missing": "give the bank transfer reference",
    "void_reason_missing": "voiding a settlement sheet needs a written reason",
    "sheet_voided_already": "sheet {sheet} was already voided on {value}",
    "sheet_not_voidable": "sheet {number} is {sheet_status}; it cannot be voided",
    "ratio_report_role": "only procurement, a project manager, finance or an auditor may read the "
                         "annotation-output ratio; '{username}' is {value}",
    "throughput_not_manager": "'{username}' manages no vendor and may not read the throughput reports",
    "period_end_before_start": "the period ends before it starts",
    "decimal_string_not_float": "{field} must be given as a string or Decimal, not a float",
    "amount_not_finite": "{field} '{value}' is not a finite number of at most {MAX_AMOUNT}",
    "vendor_kind_unknown": "unknown vendor kind '{kind}'; use one of {value}",
    "vendor_cycle_unknown": "unknown settlement cycle '{settlement_cycle}'; use one of {value}",
    "fee_rate_decimals": "fee rate {rate} has more than 4 decimals: give it to a hundredth of a "
                         "percent, e.g. 0.0825 for 8.25%",
    "agreed_reason_missing": "say why (licence, services, after-sales, price level)",
    "vendor_agreement_missing": "vendor '{vendor_name}' has no framework agreement on file yet: "
                                "record it first (datamill workforce vendor-agreement {vendor_id} "
                                "NUMBER --signed-on YYYY-MM-DD, PUT /api/v1/vendors/{vendor_id}/agreement)",
    "agreement_number_chars": "an agreement number has 1 to 64 characters",
    "point_rate_form": "a point rate is an amount of money: positive, with at most 2 decimals (fen), "
                       "not {rate}",
    "language_tags_invalid": "not BCP-47 language tags: {bad} (e.g. en-US, zh-CN, yue-HK)",
    "user_not_worker": "{value} is not registered as a worker; register them first",
    "fee_rate_range": "fee rate {rate} must be between 0 and {high}",
    "fee_rate_agreed_range": "management fee rate {rate} is outside the agreed range {low}–{high} "
                             "(6–11.5%)",
    "vendor_name_exists": "a vendor named '{name}' already exists",
    "grade_exists": "grade '{name}' already exists",
    "sheet_over_purchase_orders": "settlement sheet {number} exceeds its purchase orders: {value}",
    "worker_registered_already": "'{username}' is already registered as a worker",
    "worker_not_eligible_package": "'{username}' cannot be assigned package {pkg_name}: {reasons}",
    "worker_not_eligible_project": "'{username}' may not take work in project {project_id}: {reasons}",
    "not_a_test_question": "item {item_id} is no question of project {project_id}'s qualification "
                           "test",
}

WORKFORCE_REFUSALS_ZH_CN: dict[str, str] = {
    "package_no_project": "数据包没有所属项目。",
    "vendor_no_stage_worker": "供应商“{vendor_name}”没有能做 {stage} 环节的人（没有角色允许该操"
                              "作的在岗人员），数据包 {pkg_name} 将无人可做：请先为该供应商登记"
                              "这样的人员，或把数据包交给别处。",
    "package_not_with_vendor": "数据包 {pkg_name} 未交给供应商。",
    "vendor_not_on_list": "供应商“{vendor_name}”不在合格供应商名录中；请先完成资质认定。",
    "package_with_vendor_already": "数据包 {pkg_name} 已交给供应商“{vendor_name}”。",
    "package_assigned_person": "数据包 {pkg_name} 已分配给个人。",
    "package_worker_incomplete": "数据包没有项目，或作业人员没有用户账号。",
    "package_vendor_still_qualified": "数据包 {pkg_name} 已交给仍合格的供应商“{current_name}”："
                                      "请先收回（datamill workforce take-back {pkg_id}；DELETE "
                                      "/api/v1/packages/{pkg_id}/vendor），或用 --move（\"move\": "
                                      "true）转交。",
    "package_other_vendor": "数据包 {pkg_name} 属于供应商 {vendor_id}；作业人员 {worker_id} 不属"
                            "于该供应商。",
    "package_hand_first": "请先把数据包 {pkg_name} 交给供应商 {vendor_id}。",
    "golden_rate_range": "金标比例 {value} 须在 0 到 {MAX_GOLDEN_RATE} 之间。",
    "golden_no_test": "项目 {project_id} 没有培训考核，因此没有可混入的金标题；请先定义测试。",
    "golden_item_missing": "金标题数据 {item_id} 不存在。",
    "golden_task_gone": "该探测题对应的金标任务已不存在。",
    "probe_task_not_held": "“{username}”没有持有该任务。",
    "task_submitted_already": "该任务已提交。",
    "items_other_project": "数据 {missing} 不是项目 {project_id} 的数据。",
    "golden_items_not_accepted": "数据 {refused} 尚未随批次验收通过并带有标注；只有所在批次已验"
                                 "收的数据才能以其标注为答案设为金标题（其他数据请给出已知答案）",
    "golden_nothing_given": "请给出已知答案或已验收的数据来设定金标题。",
    "golden_threshold_needed": "项目 {project_id} 还没有培训考核；请给出通过阈值，用这些金标题定"
                               "义测试。",
    "project_no_qualification_test": "项目 {project_id} 没有培训考核。",
    "golden_items_unknown": "数据 {unknown} 不是项目 {project_id} 的金标题。",
    "month_form": "月份“{month}”的格式应为 2024-05。",
    "hour_points_month_range": "工时积分按月登记，月份须在 {FIRST_YEAR}-01 到本月（{today}）"
                               "之间，不能是 {month}。",
    "working_days_range": "{month} 不可能有 {days} 个工作日。",
    "working_days_below_booked": "{month} 有 {days} 个工作日，每人上限 {value} 积分，但作业人员"
                                 " {worker_id} 当月已登记 {booked} 积分：请先调减其积分。",
    "points_form": "积分 {pts} 须为非负数，最多 2 位小数。",
    "hour_points_in_house": "工时积分只适用于内部员工；供应商的作业按量结算。",
    "worker_no_grade": "作业人员 {worker_id} 没有职级，其积分无法计价；请先设定职级。",
    "worker_grade_missing": "缺少作业人员的职级。",
    "points_over_cap": "{month} 的 {value} 积分超过上限 {cap}（8 × {value_2} 个工作日）；其他项"
                       "目已登记 {others} 积分。",
    "identity_ref_form": "请给出所查验证件的脱敏编号（4 到 {MAX_REF_CHARS} 个字符），例如 {EXAMPLE}。",
    "identity_ref_digits": "该编号包含过多数字（无论分隔符、空格、全角或中文数字都计入）：只保存"
                           "最多显示 {MAX_VISIBLE_DIGITS} 位数字的脱敏编号，例如 {EXAMPLE}。",
    "worker_state_same": "作业人员 {worker_id} 已是该状态。",
    "manager_not_vendor_worker": "只有供应商的作业人员才能担任该供应商的负责人。",
    "worker_manager_same": "作业人员 {worker_id} 作为供应商 {vendor_id} 负责人的身份无需更改。",
    "worker_place_same": "作业人员 {worker_id} 已在该处。",
    "worker_profile_same": "作业人员 {worker_id} 的资料已是这样：无需更改。",
    "grade_in_house_only": "职级只适用于内部员工；供应商作业人员按量计酬。",
    "grade_unknown": "没有名为“{grade}”的职级；请先创建。",
    "half_year_form": "半年“{half}”的格式应为 2024H1 或 2024H2。",
    "price_modality_unknown": "未知的模态“{modality}”；单价须设在已注册的模态上：{value}。",
    "unit_unknown": "未知的单位“{unit}”；请使用以下之一：{value}。",
    "language_group_unknown": "语种组须为 chinese（中文）、minority（少数民族语言）或 foreign（"
                              "外语）",
    "unit_price_form": "单价 {price} 须为正数，最多 4 位小数。",
    "price_deviation_reason": "单价 {price} 偏离 {ref} {deviation}；偏离超过 10% 须书面说明"
                              "理由（竞品报价、访谈、模拟招聘……）",
    "quantity_range": "{field} {d} 须为正数，不超过 {MAX_QUANTITY}，且最多 4 位小数。",
    "line_amount_too_large": "{field} 合计 {amount}，超过一行可容纳的 {MAX_AMOUNT}；请检查数"
                             "量和单价。",
    "text_length": "{field} 须为 1 到 {limit} 个字符。",
    "approver_admin_only": "只有管理员可以登记审批人；“{username}”不是管理员。",
    "procurement_role_unknown": "未知的采购角色“{role}”；请使用以下之一：{value}（dept_manager、"
                                "vp、finance 是账务审批角色）",
    "procurement_approval_order": "{label} 等待第 {level}/{value} 级审批（{needed_role}）；“{username}”不"
                                  "是该角色：审批顺序为 {value_3}，须依次由对应角色签批。",
    "own_request_approval": "“{username}”提交了 {label}（或并入其中的申请），不能审批。",
    "procurement_budget_exists": "{department} 已有 {year} 年度采购预算。",
    "procurement_budget_state": "采购预算 {budget_id} 的状态为 {b_status}；无需签批。",
    "procurement_price_missing": "价格体系没有 {value} {stage} × {modality} × {language_group} "
                                 "的单价；须由采购先设定，再提交申请。",
    "kind_unknown": "类型须为以下之一：{value}，不能是“{kind}”。",
    "price_unit_mismatch": "价格体系按 {unit} 计 {stage}，不是 {unit_2}。",
    "request_price_deviation": "单价 {price} 偏离价格体系的 {unit_price}（{half_year}）{deviation_2}；"
                               "偏离超过 10% 须说明：请填写偏离理由。",
    "request_state_sign": "采购申请 {number} 的状态为 {r_status}；无需签批。",
    "combine_two_requests": "至少合并两份申请。",
    "request_state_combine": "采购申请 {number} 的状态为 {r_status} 或已签批；只有已提交未签批的"
                             "申请可以合并。",
    "requests_differ": "{number} 和 {number_2} 在 {value} 上不同；只有相似的申请可以合并。",
    "agreement_number_length": "协议编号为 1 到 64 个字符。",
    "settlement_method_length": "结算方式为 1 到 32 个字符。",
    "agreement_period_order": "协议期限 {valid_from}..{valid_to} 的结束早于开始。",
    "agreement_exists": "框架协议 {number} 已存在。",
    "agreement_approved_already": "框架协议 {number} 已批准；协议只批准一次。",
    "agreement_approver_role": "框架协议由采购批准；“{username}”的角色是 {value}。",
    "request_not_approved": "采购申请 {number} 的状态为 {req_status}；只能针对已批准的申请下单（"
                            "部门经理 → 副总裁 → 采购）",
    "po_vendor_not_qualified": "供应商“{vendor_name}”不在合格供应商名录中。",
    "request_other_vendor": "申请 {number} 针对供应商 {vendor_id}，不是 {vendor_id_2}。",
    "request_other_project": "申请 {number} 针对项目 {project_id}，不是 {project_id_2}。",
    "po_quantity_form": "数量 {qty} 须为正数，最多 4 位小数。",
    "po_over_request": "申请 {number} 批准了 {quantity} {unit}；已下单 {ordered}，再订 {qty} 将"
                       "超出。",
    "agreement_price_fields": "第 {value} 个单价缺少 {value_2}。",
    "agreement_price_form": "第 {value} 个单价：单价 {price} 须为正数，最多 4 位小数。",
    "agreement_not_vendors": "框架协议 {number} 不是供应商 {vendor_id} 已批准的协议。",
    "agreement_not_valid_on": "框架协议 {number} 的期限为 {valid_from}..{valid_to}，不含 {on}。",
    "qualification_required_no_test": "项目 {project_id} 还没有培训考核，没人能通过：请先定义（"
                                      "datamill workforce qualification set PROJECT --golden FILE "
                                      "--threshold 0.95，PUT /api/v1/projects/{project_id}/qualification-test）"
                                      "，再设为必需。",
    "pass_threshold_range": "通过阈值 {threshold} 须大于 0 且不超过 1。",
    "qualification_golden_needed": "培训考核至少需要一道金标题。",
    "golden_answers_empty": "金标题 {empty} 的答案为空。",
    "metric_unknown": "未知的指标“{metric}”；{modality} 提供：{value}。",
    "qualification_owner_only": "只有测试的创建者（用户 {created_by}）或管理员可以修改项目 {project_id} "
                                "的培训考核；“{username}”不可以。",
    "golden_items_unchecked": "数据 {value} 未通过自动检查；金标题须通过检查。",
    "golden_items_busy": "数据 {value} 正在生产中；请在有人领取前，或其生产完成（如已验收）后再"
                         "设为金标题。",
    "qualification_answers_mismatch": "请恰好回答金标题 {value}（缺少 {unanswered}，不在测试中的"
                                      " {extra}）",
    "qualification_results_hidden": "“{username}”不能查看作业人员 {worker_id} 的培训考核结果。",
    "golden_answer_invalid": "金标题答案不是有效的 {modality} 答案：{err}。",
    "golden_task_taken": "刚有人领取了其中一条数据的任务；请重试。",
    "item_key_unknown": "项目 {project_id} 中没有数据“{key}”。",
    "not_registered_worker": "“{username}”不是已登记的作业人员，不能查看培训考核结果。",
    "whole_number": "{field} 须为整数。",
    "number_range": "{field} 须在 {low} 到 {high} 之间，不能是 {number}。",
    "whole_number_value": "{field} 须为整数，不能是“{value}”。",
    "retake_grant_role": "“{username}”不能再给作业人员 {worker_id} 一次培训考核机会：项目经理或"
                         "该人员所属供应商的负责人可以。",
    "retake_not_vendors": "“{username}”不能让作业人员 {worker_id} 参加项目 {project_id} 的测试："
                          "该项目未交给其供应商（由项目经理邀请作业人员）",
    "settlement_cycle_unknown": "未知的结算周期“{cycle}”。",
    "identity_unchecked": "个人供应商“{vendor_name}”：{names} 尚未核验身份；须核验后才能付款（datamill "
                          "workforce identity {unchecked_2} 'ID ****1234'，POST /api/v1/workers/ID/identity）",
    "sheet_period_ahead": "期间 {period_start}–{end} 的开始日比今天（{today}）晚 {MAX_AHEAD_DAYS} "
                          "天以上：结算单结算已验收的作业，期间须为过去、当前或下一个期间。",
    "sheet_exists_not_draft": "供应商“{vendor_name}”在 {period_start}–{end} 已有结算单 {number}（"
                              "{existing_status}）；只有草稿可以重新生成：此后验收的作业进入下期"
                              "结算单，更正用更正单。",
    "sheet_nothing_accepted": "供应商“{vendor_name}”截至 {period_start}–{end} 期末没有已验收且未"
                              "付款的作业。",
    "sheet_language_unknown": "没有“{lang_value}”语言的结算单；请使用以下之一：{value}。",
    "weekly_period_monday": "按周结算的期间从周一开始；您是否指 {monday}？",
    "monthly_period_first": "按月结算的期间从 1 日开始；您是否指 {value}？",
    "half_month_period_start": "按半月结算的期间从 1 日或 16 日开始。",
    "individual_no_person": "个人供应商“{vendor_name}”没有登记人员：请把该个人登记为供应商的作业"
                            "人员并核验身份，之后采集量才能付款。",
    "sheet_price_missing": "{period_start} 所在半年没有 {stage} × {modality} × {group} 的单价；"
                           "请先在价格体系中设定。",
    "sheet_work_taken": "其中部分作业刚被列入另一张结算单；请重新生成结算单。",
    "sheet_just_created": "供应商“{vendor_name}”在 {period_start} 的结算单刚刚已生成。",
    "correction_of_correction": "结算单 {number} 本身是更正单；请更正它所更正的结算单。",
    "correction_of_voided": "结算单 {number} 已作废（{void_reason}）；它不付款，无需更正。",
    "correction_of_draft": "结算单 {number} 的状态为 {original_status}；草稿应重新生成，而不是更"
                           "正。",
    "correction_amount_form": "更正金额须为非零、以分计（两位小数）",
    "correction_reason_missing": "更正须写明理由。",
    "sheet_no_vendor": "结算单没有供应商。",
    "correction_below_zero": "更正不能使供应商在结算单 {number}{on} 上的合计小于零：目前为 {so_far}，"
                             "本次最多可扣减 {value}。",
    "correction_which_line": "结算单 {number} 涵盖多个{what}（{value}）；请指明更正哪一个。",
    "correction_no_lines": "结算单 {number} 没有{what} {chosen} 的明细；它涵盖 {value}。",
    "vendor_confirm_not_draft": "结算单 {number} 的状态为 {sheet_status}；供应商只确认草稿。",
    "vendor_confirm_first": "供应商尚未确认结算单 {number}；须供应商先确认。",
    "sheet_state_already": "结算单 {number} 已是 {sheet_status} 状态。",
    "sheet_settled_already": "结算单 {number} 已于 {value} 付款。",
    "settle_not_confirmed": "结算单 {number} 的状态为 {sheet_status}；只有经供应商和业务方都确认"
                            "的结算单可以付款。",
    "settle_negative_net": "结算单 {number} 的应付净额为负（{net_payable}）：这是向供应商追回 {value}，"
                           "不是付款；生成该供应商之后的结算单时会自动从中扣除，此单不能付款。",
    "payment_method_bank": "不允许付款方式“{method}”；供应商须通过银行转账付款。",
    "transfer_reference_missing": "请填写银行转账流水号。",
    "void_reason_missing": "作废结算单须写明理由。",
    "sheet_voided_already": "结算单 {sheet} 已于 {value} 作废。",
    "sheet_not_voidable": "结算单 {number} 的状态为 {sheet_status}；不能作废。",
    "ratio_report_role": "只有采购、项目经理、财务或审计可以查看标产比；“{username}”不是这些角色"
                         "。",
    "throughput_not_manager": "“{username}”不负责任何供应商，不能查看产能报告。",
    "period_end_before_start": "期间的结束早于开始。",
    "decimal_string_not_float": "{field} 须以字符串或 Decimal 给出，不能是浮点数。",
    "amount_not_finite": "{field}“{value}”不是不超过 {MAX_AMOUNT} 的有限数。",
    "vendor_kind_unknown": "未知的供应商类型“{kind}”；请使用以下之一：{value}。",
    "vendor_cycle_unknown": "未知的结算周期“{settlement_cycle}”；请使用以下之一：{value}。",
    "fee_rate_decimals": "管理费率 {rate} 超过 4 位小数：请精确到万分之一，例如 8.25% 写作 0.0825。",
    "agreed_reason_missing": "请说明理由（许可、服务、售后、价格水平）",
    "vendor_agreement_missing": "供应商“{vendor_name}”尚未登记框架协议：请先登记（datamill workforce "
                                "vendor-agreement {vendor_id} NUMBER --signed-on YYYY-MM-DD，PUT "
                                "/api/v1/vendors/{vendor_id}/agreement）",
    "agreement_number_chars": "协议编号为 1 到 64 个字符。",
    "point_rate_form": "积分单价是金额：须为正数，最多 2 位小数（分），不能是 {rate}。",
    "language_tags_invalid": "不是 BCP-47 语言标签：{bad}（例如 en-US、zh-CN、yue-HK）",
    "user_not_worker": "{value} 尚未登记为作业人员；请先登记。",
    "fee_rate_range": "管理费率 {rate} 须在 0 到 {high} 之间。",
    "fee_rate_agreed_range": "管理费率 {rate} 超出约定范围 {low}–{high}（6–11.5%）",
    "vendor_name_exists": "名为“{name}”的供应商已存在。",
    "grade_exists": "职级“{name}”已存在。",
    "sheet_over_purchase_orders": "结算单 {number} 的结算量超出其采购订单的剩余量（明细见各行）",
    "worker_registered_already": "“{username}”已登记为作业人员。",
    "worker_not_eligible_package": "“{username}”不符合该项目的作业条件，不能分配数据包 "
                                   "{pkg_name}：{reasons}。",
    "worker_not_eligible_project": "“{username}”不符合项目 {project_id} 的作业条件，不能领取其"
                                   "作业：{reasons}。",
    "not_a_test_question": "数据 {item_id} 不是项目 {project_id} 培训考核的题目。",
}
