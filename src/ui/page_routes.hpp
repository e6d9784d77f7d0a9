#pragma once

#include "http/router.hpp"
#include "ui/page_support.hpp"

namespace gatehouse {

// Each adds one area's hosted pages (README "Pages") to the router.
void AddSignInPages(Router& router, PageServices& pages);     // /, sign-in, second step, sign-out
void AddRecoveryPages(Router& router, PageServices& pages);   // sign-up, verify, reset, invitation
void AddAccountPages(Router& router, PageServices& pages);    // /account
void AddTwoFactorPages(Router& router, PageServices& pages);  // /account/two-factor
void AddPasskeyPages(Router& router, PageServices& pages);    // /account/passkeys
void AddOidcPages(Router& router,
                  PageServices& pages);  // OpenID Connect: authorize, consent, logout

// The pages and their assets (/ui/...), when ui.enabled.
void AddAllPages(Router& router, PageServices& pages);

}  // namespace gatehouse
