// Built in this session by its feature's owner (issue 16); this first version only holds the route.
export function SignupPage() {
  return <h1 className="page-title">Create your helpdesk</h1>;
}
