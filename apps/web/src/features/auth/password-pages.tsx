// Built in this session by its feature's owner (issue 16); this first version only holds the routes.
export function ForgotPasswordPage() {
  return <h1 className="page-title">Forgot your password?</h1>;
}
export function ResetPasswordPage() {
  return <h1 className="page-title">Choose a new password</h1>;
}
