// Each figure of a lesson links to the image at full size (course.css): on a phone a figure is
// drawn at the width of the screen, and a tap opens it large enough to read.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".bd-content div.cell_output img").forEach((img) => {
    if (img.closest("a")) return;
    const link = document.createElement("a");
    link.href = img.getAttribute("src");
    link.className = "figure-full-size";
    link.title = "Open the figure at full size";
    img.replaceWith(link);
    link.appendChild(img);
  });
});
