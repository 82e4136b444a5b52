// App Bridge's toast for the admin screens. Outside the Shopify admin (no App Bridge script) it
// does nothing: there is nowhere to show one.
import { useAppBridge } from '@shopify/app-bridge-react';

export function useToast() {
  let bridge: ReturnType<typeof useAppBridge> | undefined;
  try {
    bridge = useAppBridge();
  } catch {
    // No window.shopify: not embedded in the admin.
    bridge = undefined;
  }
  return (message: string, options?: { isError?: boolean }) => bridge?.toast.show(message, options);
}
