/**
 * Full-precision reference values for the real stack urjc-adipose-s1, from
 * Debian's python3-opencv 4.6.0 (the version that wrote the stack's
 * `opencv_focus_curves.csv`, which rounds to six significant digits).
 * Generated per slice `i` with:
 *
 *     img = cv2.imread(f"{i + 1}.png", cv2.IMREAD_UNCHANGED)
 *     lap = cv2.Laplacian(img, cv2.CV_64F, ksize=1).var()
 *     gx = cv2.Sobel(img, cv2.CV_64F, 1, 0, ksize=3)
 *     gy = cv2.Sobel(img, cv2.CV_64F, 0, 1, ksize=3)
 *     ten = np.mean(gx**2 + gy**2)
 *
 * @module
 */

/** Per slice, 0-based: [variance of the Laplacian, Tenengrad]. */
export const OPENCV_FULL_PRECISION: readonly (readonly [number, number])[] = [
  [104.4357366840735, 956.8587383617823],
  [110.24330447583768, 1040.0838339614277],
  [101.66535145596515, 986.6203156173798],
  [98.97146800520461, 1018.9386347262248],
  [101.45646269660853, 1172.6082742185768],
  [105.18677176132653, 1409.7081578364],
  [110.89963575569648, 1855.4603400022168],
  [113.49670139715386, 2409.854746730215],
  [154.78576641394721, 3442.5656672578143],
  [195.86080518249443, 4324.290884781645],
  [196.50790499913467, 4438.421968521392],
  [130.34661001707795, 2806.071181556196],
  [110.83007923409234, 2015.374149301707],
  [108.63335699336261, 1472.0024661937487],
  [108.94510333798586, 1309.4399509532254],
  [111.80267256242142, 1179.2201077920638],
  [118.91820432617682, 1187.5664195854579],
];
