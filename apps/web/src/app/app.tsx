import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Loading } from '../components/alert';
import { AuthProvider } from '../features/auth/auth-context';
import { InboxPage } from '../features/inbox/inbox-page';
import { TicketPage } from '../features/ticket/ticket-page';
import { queryClient } from '../lib/query-client';
import { RouteError } from './route-error';
import { Root } from './shell';

// The inbox and the ticket are in the first chunk (what an agent opens first); every other page
// is a chunk of its own, loaded when its route is first visited.
const NewTicketPage = lazy(() =>
  import('../features/ticket/new-ticket-page').then((m) => ({ default: m.NewTicketPage })),
);
const ContactsPage = lazy(() =>
  import('../features/contacts/contacts-page').then((m) => ({ default: m.ContactsPage })),
);
const ContactPage = lazy(() => import('../features/contacts/contact-page').then((m) => ({ default: m.ContactPage })));
const SettingsPage = lazy(() =>
  import('../features/settings/settings-page').then((m) => ({ default: m.SettingsPage })),
);
const AccountPage = lazy(() => import('../features/account/account-page').then((m) => ({ default: m.AccountPage })));
const SignupPage = lazy(() => import('../features/auth/signup-page').then((m) => ({ default: m.SignupPage })));
const ForgotPasswordPage = lazy(() =>
  import('../features/auth/password-pages').then((m) => ({ default: m.ForgotPasswordPage })),
);
const ResetPasswordPage = lazy(() =>
  import('../features/auth/password-pages').then((m) => ({ default: m.ResetPasswordPage })),
);
const AcceptInvitationPage = lazy(() =>
  import('../features/auth/accept-invitation-page').then((m) => ({ default: m.AcceptInvitationPage })),
);

const page = (element: ReactNode) => <Suspense fallback={<Loading />}>{element}</Suspense>;

// The emails' links: FRONTEND_URL/tickets/<number> (ticket notifications),
// /accept-invitation?token= (invitations) and /reset-password?token= (password resets).
const router = createBrowserRouter([
  {
    path: '/',
    element: <Root />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <InboxPage />, errorElement: <RouteError /> },
      { path: 'tickets/new', element: page(<NewTicketPage />), errorElement: <RouteError /> },
      { path: 'tickets/:id', element: <TicketPage />, errorElement: <RouteError /> },
      { path: 'contacts', element: page(<ContactsPage />), errorElement: <RouteError /> },
      { path: 'contacts/:id', element: page(<ContactPage />), errorElement: <RouteError /> },
      { path: 'settings/*', element: page(<SettingsPage />), errorElement: <RouteError /> },
      { path: 'account', element: page(<AccountPage />), errorElement: <RouteError /> },
    ],
  },
  // Pages for people who are not signed in (or who follow an email's link either way).
  { path: '/signup', element: page(<SignupPage />), errorElement: <RouteError /> },
  { path: '/forgot-password', element: page(<ForgotPasswordPage />), errorElement: <RouteError /> },
  { path: '/reset-password', element: page(<ResetPasswordPage />), errorElement: <RouteError /> },
  { path: '/accept-invitation', element: page(<AcceptInvitationPage />), errorElement: <RouteError /> },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  );
}
