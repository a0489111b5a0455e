import { useCallback, useEffect, useRef, useState } from 'react';
import { useShowError } from '../api/use-api.js';

export interface LiveData<T> {
  /** undefined while the first load runs; null when the endpoint answered 404 (not there yet). */
  data: T | null | undefined;
  loading: boolean;
  refresh(): void;
}

/**
 * Like useApiData, but a refresh keeps the old data on screen until the new one arrives (live
 * updates must not flash a spinner), and `null` from the loader means "not available".
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
