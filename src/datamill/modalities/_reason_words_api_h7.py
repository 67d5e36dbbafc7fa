"""The words of the sign-in and API-token refusals (HTTP 401), English and zh-CN: without them
every 401 read in Chinese as the generic "send a valid bearer token", a wrong password at
``POST /auth/token`` included (round h7)."""

from __future__ import annotations

__all__ = ["API_H7_REFUSALS_EN", "API_H7_REFUSALS_ZH_CN"]

API_H7_REFUSALS_EN: dict[str, str] = {
    "sign_in_refused": "wrong username or password",
    "api_token_invalid": "invalid or revoked API token",
    "api_token_expired": "the API token has expired; sign in for a new one",
    "password_changed_meanwhile": "your password was changed meanwhile (in another window or "
                                  "client) and your sign-in with it; sign in again",
    "retention_deleted_file": "the stored file of {item} was deleted on {deleted_on} when the "
                              "project's retention period ended (deletion certificate "
                              "{certificate}); it is no longer served",
}

API_H7_REFUSALS_ZH_CN: dict[str, str] = {
    "sign_in_refused": "用户名或密码错误",
    "api_token_invalid": "API 令牌无效或已被撤销；请重新登录以获取新令牌",
    "api_token_expired": "API 令牌已过期；请重新登录以获取新令牌",
    "password_changed_meanwhile": "您的密码已在别处（另一个窗口或客户端）被修改，"
                                  "原有登录随之失效；请重新登录",
    "retention_deleted_file": "{item}的存储文件已于 {deleted_on} 因项目保留期届满而删除"
                              "（删除证明 {certificate}），不再提供",
}
