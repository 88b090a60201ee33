// Dark and light themes: follow the OS unless the user picks one; the pick is remembered locally.
import { useEffect } from "react";
import { useLens, type ThemeChoice } from "../../state/store.ts";
import { keepTheme } from "../../state/ui.ts";

export function useTheme(): void {
  const theme = useLens((s) => s.ui.theme);
  useEffect(() => {
    const media = matchMedia("(prefers-color-scheme: dark)");
    const apply = () => {
      document.documentElement.dataset.theme = theme === "system" ? (media.matches ? "dark" : "light") : theme;
    };
    apply();
    keepTheme(theme);
    media.addEventListener("change", apply);
    return () => media.removeEventListener("change", apply);
  }, [theme]);
}

export function nextTheme(t: ThemeChoice): ThemeChoice {
  return t === "system" ? "light" : t === "light" ? "dark" : "system";
}
