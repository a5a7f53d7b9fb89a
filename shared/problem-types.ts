// The `type` URIs of problem+json answers that clients act on (the others are "about:blank").
// No imports: the sidebars' bundles take this file as it is.

/**
 * R-SB-7: a valid ID token whose account is linked to no Concilia user. The sidebar signs in once
 * through Concilia's sign-in page, presenting the ID token with the one-time code, and the account
 * is linked from then on.
 */
export const IDENTITY_NOT_LINKED = "urn:concilia:problem:identity-not-linked";
