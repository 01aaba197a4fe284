import { QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { AuthProvider } from '../features/auth/auth-context';
import { InboxPage } from '../features/inbox/inbox-page';
import { TicketPage } from '../features/ticket/ticket-page';
import { queryClient } from '../lib/query-client';
import { RouteError } from './route-error';
import { Root } from './shell';

// FRONTEND_URL/tickets/:id is the link of the emails control-api and the worker send.
const router = createBrowserRouter([
  {
    path: '/',
    element: <Root />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <InboxPage />, errorElement: <RouteError /> },
      { path: 'tickets/:id', element: <TicketPage />, errorElement: <RouteError /> },
    ],
  },
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
