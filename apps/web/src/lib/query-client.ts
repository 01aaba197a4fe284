import { HttpError } from '@helpdeskly/sdk';
import { QueryClient } from '@tanstack/react-query';

/** Server state lives here. A 4xx answer is final (retrying a 404 or 403 changes nothing); others are retried twice. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      retry: (failures, error) => !(error instanceof HttpError && error.status < 500) && failures < 2,
      refetchOnWindowFocus: true,
    },
    mutations: { retry: false },
  },
});
