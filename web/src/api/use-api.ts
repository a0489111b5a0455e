import { App } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n/i18n-context.js';
import { lookup } from '../i18n/translate.js';
import { ApiError, NETWORK_ERROR } from './client.js';

export interface ErrorText {
  /** The localised meaning of the problem code, e.g. 用户名或密码错误. */
  title: string;
  /** The server's own `detail`, which says what exactly went wrong (e.g. how long to wait). */
  detail: string | undefined;
}

/** Turns any thrown value into a title (localised by code) and the server's detail. */
export function useErrorText(): (error: unknown) => ErrorText {
  const { t, locale } = useI18n();
  return useCallback(
    (error: unknown): ErrorText => {
      if (error instanceof ApiError) {
        if (error.code === NETWORK_ERROR) return { title: t('error.network'), detail: undefined };
        const key = lookup(`error.${error.code}`);
        const title = key === undefined ? t('error.generic') : t(key);
        if (error.lockedUntil !== undefined) {
          return {
            title,
            detail: t('error.lockedUntil', { time: formatDateTime(error.lockedUntil, locale) }),
          };
        }
        return { title, detail: error.detail !== title ? error.detail : undefined };
      }
      return { title: t('error.generic'), detail: error instanceof Error ? error.message : String(error) };
    },
    [t, locale],
  );
}

/** Shows an error in the global message area (top of the page). */
export function useShowError(): (error: unknown) => void {
  const { message } = App.useApp();
  const toText = useErrorText();
  return useCallback(
    (error: unknown) => {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      // A lost session is handled by the session provider (back to login), not as a toast.
      if (error instanceof ApiError && error.status === 401) return;
      const { title, detail } = toText(error);
      void message.error(detail === undefined ? title : `${title}：${detail}`);
    },
    [message, toText],
  );
}

export interface Loaded<T> {
  data: T | undefined;
  loading: boolean;
  reload(): void;
}

/** Loads data when `deps` change; errors go to the message area. Stale responses are aborted. */
export function useApiData<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
): Loaded<T> {
  const live = useLiveData(load, deps);
  return { data: live.data ?? undefined, loading: live.loading, reload: live.refresh };
}

export interface LiveData<T> {
  /** undefined while the first load runs; null when the endpoint answered 404 (not there yet). */
  data: T | null | undefined;
  loading: boolean;
  refresh(): void;
}

/**
 * The loader behind both hooks: a refresh keeps the old data on screen until the new one arrives
 * (live updates must not flash a spinner), a change of deps starts from scratch, and `null` from
 * the loader means "not available" (an endpoint that answered 404).
 */
export function useLiveData<T>(
  load: (signal: AbortSignal) => Promise<T | null>,
  deps: readonly unknown[],
): LiveData<T> {
  const showError = useShowError();
  const [data, setData] = useState<T | null | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // A change of deps (not a refresh) starts from scratch.
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps name what `load` reads.
  useEffect(() => setData(undefined), deps);

  // biome-ignore lint/correctness/useExhaustiveDependencies: deps name what `load` reads.
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef
      .current(controller.signal)
      .then((value) => {
        if (!controller.signal.aborted) setData(value);
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) showError(error);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [...deps, generation]);

  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, loading, refresh };
}
